import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DotenvError, parseDotenv } from "../../components/compose/dotenv";

const parse = (text: string, env: Record<string, string> = {}) => parseDotenv(text, (name) => env[name]);

describe("parseDotenv", () => {
  it("reads KEY=VALUE and KEY: VALUE lines, trimming unquoted values", () => {
    assert.deepEqual(parse("A=1\nB = two words  \nC: three\nD=\n"), {
      A: "1",
      B: "two words",
      C: "three",
      D: "",
    });
  });

  it("skips blank lines and comment lines, and strips an inline comment after whitespace", () => {
    assert.deepEqual(parse("# header\n\n   # indented comment\nA=1 # the first\nB=x#not-a-comment\n"), {
      A: "1",
      B: "x#not-a-comment",
    });
  });

  it("accepts the export prefix", () => {
    assert.deepEqual(parse("export A=1\nexport   B=2\n"), { A: "1", B: "2" });
  });

  it("keeps single-quoted values literally, with no escapes and no interpolation", () => {
    assert.deepEqual(parse(`A='$HOME \\n ${"${X}"} # kept'\n`, { HOME: "/root", X: "x" }), {
      A: "$HOME \\n ${X} # kept",
    });
  });

  it("resolves escapes in double-quoted values", () => {
    assert.deepEqual(parse(`A="line1\\nline2\\ttab \\"quoted\\" back\\\\slash"\n`), {
      A: 'line1\nline2\ttab "quoted" back\\slash',
    });
  });

  it("lets quoted values span lines", () => {
    assert.deepEqual(parse(`KEY="-----BEGIN-----\nabc\n-----END-----"\nNEXT='a\nb'\nLAST=1\n`), {
      KEY: "-----BEGIN-----\nabc\n-----END-----",
      NEXT: "a\nb",
      LAST: "1",
    });
  });

  it("interpolates unquoted and double-quoted values, the environment first, then keys above", () => {
    assert.deepEqual(
      parse(`HOST=db\nURL=postgres://$HOST:\${PORT:-5432}\nQUOTED="\${HOST}/x"\nUSER_HOME=\${HOME}\n`, {
        HOME: "/home/me",
      }),
      { HOST: "db", URL: "postgres://db:5432", QUOTED: "db/x", USER_HOME: "/home/me" },
    );
    assert.deepEqual(parse("HOST=file\nURL=$HOST\n", { HOST: "env" }), { HOST: "file", URL: "env" });
  });

  it("keeps an escaped dollar literal in double quotes", () => {
    assert.deepEqual(parse(`A="cost \\$5 and $$6"\n`), { A: "cost $5 and $6" });
  });

  it("takes a bare KEY from the environment and leaves it out when unset", () => {
    assert.deepEqual(parse("FROM_ENV\nNOT_SET\n", { FROM_ENV: "yes" }), { FROM_ENV: "yes" });
  });

  it("never takes a variable that an object inherits (constructor, toString) as set", () => {
    assert.deepEqual(
      parseDotenv("A=${constructor:-unset}\nB=${toString}\n", () => undefined),
      {
        A: "unset",
        B: "",
      },
    );
  });

  it("lets a later line win", () => {
    assert.deepEqual(parse("A=1\nA=2\n"), { A: "2" });
  });

  it("reads CRLF files", () => {
    assert.deepEqual(parse("A=1\r\nB='2'\r\n"), { A: "1", B: "2" });
  });

  it("accepts a comment after a quoted value", () => {
    assert.deepEqual(parse(`A="x" # note\n`), { A: "x" });
  });

  const bad: [string, string, string, number][] = [
    ["a key with a space", "MY KEY=1\n", 'line 1: "MY KEY" is not a variable name', 1],
    ["a key starting with a digit", "A=1\n1A=2\n", 'line 2: "1A" is not a variable name', 2],
    [
      "an unclosed double quote",
      'A=1\nB="open\nC=3\n',
      'line 2: the value of B opens a " quote that is never closed',
      2,
    ],
    [
      "an unclosed single quote",
      "A='open\n",
      "line 1: the value of A opens a ' quote that is never closed",
      1,
    ],
    ["text after a closing quote", 'A="x" y\n', 'line 1: unexpected "y" after the quoted value of A', 1],
    ["a required variable", "A=${NEED:?set it}\n", "line 1: A: required variable NEED is not set: set it", 1],
    [
      "a malformed expression",
      "\nA=${}\n",
      'line 2: A: invalid interpolation "${}" (write $$ for a literal $)',
      2,
    ],
    ["the key __proto__", "A=1\n__proto__=x\n", 'line 2: the variable name "__proto__" is not accepted', 2],
    ["a bare __proto__", "__proto__\n", 'line 1: the variable name "__proto__" is not accepted', 1],
  ];
  for (const [what, text, message, line] of bad) {
    it(`refuses ${what}, naming the line`, () =>
      assert.throws(
        () => parse(text),
        (err: unknown) => err instanceof DotenvError && err.message === message && err.line === line,
      ));
  }
});
