// The release, read by the CLI's --version and the OpenAPI document.
export const VERSION = "0.1.0";
