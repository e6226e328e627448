/**
 * Checks a CloudWatch dashboard body against the structure CloudWatch's API reference documents
 * ("Dashboard Body Structure and Syntax": widgets, metric and text widget properties, the metrics array,
 * annotations, y axes and variables). AWS publishes no JSON Schema of it, so the documented rules are
 * written out here, for the kinds of widget and field the tests meet; anything else is reported as unknown.
 */

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const isWhole = (v: unknown, min: number, max = Infinity) =>
  typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;
const isStat = (v: unknown) =>
  typeof v === "string" && /^(SampleCount|Average|Sum|Minimum|Maximum|p\d{1,2}(\.\d+)?)$/.test(v);
const isPeriod = (v: unknown) => isWhole(v, 60) && (v as number) % 60 === 0;

function unknownKeys(value: Json, known: string[], at: string, issues: string[]) {
  for (const key of Object.keys(value))
    if (!known.includes(key)) issues.push(`${at}.${key}: not a documented field`);
}

const renderFields = ["color", "label", "period", "stat", "visible", "yAxis", "id", "region", "accountId"];

function renderIssues(render: Json, at: string, issues: string[]) {
  unknownKeys(render, renderFields, at, issues);
  if (render.period !== undefined && !isPeriod(render.period))
    issues.push(`${at}.period: not a multiple of 60`);
  if (render.stat !== undefined && !isStat(render.stat)) issues.push(`${at}.stat: not a statistic`);
  if (render.yAxis !== undefined && !["left", "right"].includes(render.yAxis as string))
    issues.push(`${at}.yAxis: left or right`);
  if (render.id !== undefined && !/^[a-z][A-Za-z0-9_]*$/.test(String(render.id)))
    issues.push(`${at}.id: must start with a lowercase letter`);
}

function metricEntryIssues(entry: unknown, at: string, issues: string[]) {
  if (!Array.isArray(entry) || entry.length === 0) return issues.push(`${at}: not a non-empty array`);
  const last = entry[entry.length - 1];
  if (isObject(entry[0])) {
    if (entry.length !== 1) issues.push(`${at}: an expression entry holds one object`);
    const { expression, ...render } = entry[0];
    if (typeof expression !== "string") issues.push(`${at}[0].expression: required`);
    renderIssues(render, `${at}[0]`, issues);
    return;
  }
  const names = isObject(last) ? entry.slice(0, -1) : entry;
  if (names.some((n) => typeof n !== "string"))
    issues.push(`${at}: namespace, name and dimensions are strings`);
  if (names.length < 2 || names.length % 2 !== 0)
    issues.push(`${at}: [namespace, metricName, (dimensionName, dimensionValue)...]`);
  if (isObject(last)) renderIssues(last, `${at}[${entry.length - 1}]`, issues);
}

function annotationIssues(annotations: unknown, at: string, issues: string[]) {
  if (!isObject(annotations)) return issues.push(`${at}: not an object`);
  unknownKeys(annotations, ["alarms", "horizontal", "vertical"], at, issues);
  const horizontal = annotations.horizontal;
  if (horizontal === undefined) return;
  if (!Array.isArray(horizontal)) return issues.push(`${at}.horizontal: not an array`);
  horizontal.forEach((line: unknown, i) => {
    const where = `${at}.horizontal[${i}]`;
    if (!isObject(line)) return issues.push(`${where}: not an object`);
    unknownKeys(line, ["value", "label", "color", "fill", "yAxis", "visible"], where, issues);
    if (typeof line.value !== "number") issues.push(`${where}.value: required number`);
    if (line.fill !== undefined && !["above", "below", "none"].includes(line.fill as string))
      issues.push(`${where}.fill: above, below or none`);
  });
}

function yAxisIssues(yAxis: unknown, at: string, issues: string[]) {
  if (!isObject(yAxis)) return issues.push(`${at}: not an object`);
  unknownKeys(yAxis, ["left", "right"], at, issues);
  for (const side of ["left", "right"] as const) {
    const axis = yAxis[side];
    if (axis === undefined) continue;
    if (!isObject(axis)) issues.push(`${at}.${side}: not an object`);
    else unknownKeys(axis, ["label", "min", "max", "showUnits"], `${at}.${side}`, issues);
  }
}

const metricFields = [
  "accountId", "annotations", "liveData", "legend", "metrics", "period", "region", "sparkline", "stacked",
  "stat", "table", "timezone", "title", "view", "yAxis",
]; // prettier-ignore

function metricWidgetIssues(p: Json, at: string, issues: string[]) {
  unknownKeys(p, metricFields, at, issues);
  if (typeof p.region !== "string" || p.region === "") issues.push(`${at}.region: required`);
  if (
    p.view !== undefined &&
    !["timeSeries", "singleValue", "gauge", "bar", "pie", "table"].includes(p.view as string)
  )
    issues.push(`${at}.view: not a view`);
  if (p.period !== undefined && !isPeriod(p.period)) issues.push(`${at}.period: not a multiple of 60`);
  if (p.stat !== undefined && !isStat(p.stat)) issues.push(`${at}.stat: not a statistic`);
  if (p.metrics === undefined && p.annotations === undefined) issues.push(`${at}.metrics: required`);
  if (p.metrics !== undefined) {
    if (!Array.isArray(p.metrics) || p.metrics.length > 500) issues.push(`${at}.metrics: 0 to 500 entries`);
    else p.metrics.forEach((entry, i) => metricEntryIssues(entry, `${at}.metrics[${i}]`, issues));
  }
  if (p.annotations !== undefined) annotationIssues(p.annotations, `${at}.annotations`, issues);
  if (p.yAxis !== undefined) yAxisIssues(p.yAxis, `${at}.yAxis`, issues);
}

function widgetIssues(widget: unknown, at: string, issues: string[]) {
  if (!isObject(widget)) return issues.push(`${at}: not an object`);
  unknownKeys(widget, ["type", "x", "y", "width", "height", "properties"], at, issues);
  if (!["metric", "text", "log", "alarm", "explorer"].includes(widget.type as string))
    issues.push(`${at}.type: not a widget type`);
  if ((widget.x === undefined) !== (widget.y === undefined)) issues.push(`${at}: x and y go together`);
  if (widget.x !== undefined && !isWhole(widget.x, 0, 23)) issues.push(`${at}.x: 0 to 23`);
  if (widget.y !== undefined && !isWhole(widget.y, 0)) issues.push(`${at}.y: 0 or more`);
  const width = widget.width ?? 6;
  if (!isWhole(width, 1, 24)) issues.push(`${at}.width: 1 to 24`);
  if (!isWhole(widget.height ?? 6, 1, 1000)) issues.push(`${at}.height: 1 to 1000`);
  if (isWhole(widget.x, 0, 23) && isWhole(width, 1, 24) && (widget.x as number) + (width as number) > 24)
    issues.push(`${at}: reaches past the 24-column grid`);
  const p = widget.properties;
  if (!isObject(p)) return issues.push(`${at}.properties: required object`);
  if (widget.type === "metric") metricWidgetIssues(p, `${at}.properties`, issues);
  if (widget.type === "text") {
    unknownKeys(p, ["markdown", "background"], `${at}.properties`, issues);
    if (typeof p.markdown !== "string") issues.push(`${at}.properties.markdown: required`);
    if (p.background !== undefined && !["solid", "transparent"].includes(p.background as string))
      issues.push(`${at}.properties.background: solid or transparent`);
  }
}

function variableIssues(variable: unknown, at: string, issues: string[]) {
  if (!isObject(variable)) return issues.push(`${at}: not an object`);
  const fields = ["type", "property", "pattern", "inputType", "values", "id", "label", "defaultValue"];
  unknownKeys(variable, [...fields, "search", "populateFrom", "visible"], at, issues);
  if (!["property", "pattern"].includes(variable.type as string))
    issues.push(`${at}.type: property or pattern`);
  if (variable.type === "property" && typeof variable.property !== "string")
    issues.push(`${at}.property: required`);
  if (!["input", "select", "radio"].includes(variable.inputType as string))
    issues.push(`${at}.inputType: input, select or radio`);
  if (typeof variable.id !== "string" || !/^[0-9A-Za-z_-]{1,32}$/.test(variable.id))
    issues.push(`${at}.id: 1 to 32 of 0-9A-Za-z-_`);
  if (variable.label !== undefined && String(variable.label).length > 30)
    issues.push(`${at}.label: at most 30`);
  if (variable.search !== undefined) {
    if (typeof variable.search !== "string" || variable.search.length > 2048)
      issues.push(`${at}.search: at most 2048`);
    if (typeof variable.populateFrom !== "string") issues.push(`${at}.populateFrom: required with search`);
  } else if (variable.inputType !== "input" && !Array.isArray(variable.values))
    issues.push(`${at}: values or search needed for ${String(variable.inputType)}`);
  if (variable.visible !== undefined && typeof variable.visible !== "boolean")
    issues.push(`${at}.visible: boolean`);
}

/** Every way `body` departs from the documented dashboard body structure, each at its path. */
export function dashboardBodyIssues(body: string): string[] {
  const issues: string[] = [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    return [`body: not JSON (${String(err)})`];
  }
  if (!isObject(parsed)) return ["body: not an object"];
  unknownKeys(parsed, ["widgets", "variables", "start", "end", "periodOverride"], "body", issues);
  if (!Array.isArray(parsed.widgets) || parsed.widgets.length > 500)
    issues.push("body.widgets: 0 to 500 widgets");
  else parsed.widgets.forEach((w, i) => widgetIssues(w, `widgets[${i}]`, issues));
  if (parsed.variables !== undefined) {
    if (!Array.isArray(parsed.variables) || parsed.variables.length > 25)
      issues.push("body.variables: 0 to 25");
    else parsed.variables.forEach((v, i) => variableIssues(v, `variables[${i}]`, issues));
  }
  if (
    parsed.start !== undefined &&
    !/^-P(T?\d+[MHDW])+$/.test(String(parsed.start)) &&
    Number.isNaN(Date.parse(String(parsed.start)))
  )
    issues.push("body.start: -PT<n>H, -P<n>D or an ISO 8601 time");
  if (parsed.end !== undefined && parsed.start === undefined) issues.push("body.end: needs start");
  if (parsed.periodOverride !== undefined && !["auto", "inherit"].includes(parsed.periodOverride as string))
    issues.push("body.periodOverride: auto or inherit");
  return issues;
}
