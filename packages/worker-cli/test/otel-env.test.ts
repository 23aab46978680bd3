import { describe, expect, it } from "vitest";
import { exportRequestedBy } from "../src/run/otel-sdk.js";

describe("which OTEL_* environment makes tasks worker start the OpenTelemetry SDK", () => {
  it.for([
    [{}, null],
    [{ OTEL_TRACES_EXPORTER: "otlp" }, "OTEL_TRACES_EXPORTER=otlp"],
    [{ OTEL_METRICS_EXPORTER: "prometheus" }, "OTEL_METRICS_EXPORTER=prometheus"],
    // The endpoint is named, never printed: a URL may carry a password.
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "https://user:secret@collector:4318" }, "OTEL_EXPORTER_OTLP_ENDPOINT"],
    [{ OTEL_TRACES_EXPORTER: "none", OTEL_METRICS_EXPORTER: "NONE" }, null],
    [{ OTEL_TRACES_EXPORTER: "none", OTEL_METRICS_EXPORTER: "otlp" }, "OTEL_METRICS_EXPORTER=otlp"],
    [{ OTEL_TRACES_EXPORTER: " " }, null],
    [{ OTEL_TRACES_EXPORTER: "otlp", OTEL_SDK_DISABLED: "true" }, null],
    [{ OTEL_TRACES_EXPORTER: "otlp", OTEL_SDK_DISABLED: "TRUE" }, null],
    [{ OTEL_TRACES_EXPORTER: "otlp", OTEL_SDK_DISABLED: "false" }, "OTEL_TRACES_EXPORTER=otlp"],
  ] as const)("%o → %s", ([env, expected]) => {
    expect(exportRequestedBy(env)).toBe(expected);
  });
});
