/**
 * `pulumi-berth/testing`: unit tests of programs that use Berth, under `pulumi.runtime.setMocks`.
 * {@link BerthMocks} answers for Berth's dynamic resources and the cloud calls Berth makes, composes
 * with your own mocks, and finds what Berth created.
 *
 * @module pulumi-berth/testing
 */
export { BerthMocks, type MockedResource, swarmServiceType } from "./mocks";
export { mockedAwsAccount, mockedAwsRegion } from "./cloud-answers";
export { mockedPlaceholder } from "../mocked-values";
