// A generated runbook of N steps with realistic `with:`, guards, retries and expectations, for the benchmarks.

/** The text of a valid rbx/v1 runbook with `steps` exec steps spread over phases of ten. */
export function generateRunbook(steps = 50, action = "exec") {
  const lines = [
    "apiVersion: rbx/v1",
    "kind: Runbook",
    "metadata:",
    `  name: bench-${steps}`,
    "  version: 1.0.0",
    "  summary: Generated for the benchmarks",
    "  owners: [bench]",
    "params:",
    "  targetVersion: { type: semver, default: 1.2.3 }",
    "  replicas: { type: int, default: 3 }",
    "guards:",
    "  - that: params.replicas > 0",
    "    message: at least one replica",
    "phases:",
  ];
  for (let p = 0; p * 10 < steps; p++) {
    lines.push(`  - id: phase${p}`, "    steps:");
    for (let s = p * 10; s < Math.min(steps, p * 10 + 10); s++) {
      lines.push(
        `      - id: step${s}`,
        `        action: ${action}`,
        ...(action === "exec"
          ? [`        with: { program: "true", args: ["${s}", "\${{ params.targetVersion }}"] }`]
          : ["        with: {}"]),
        `        when: params.replicas >= ${s % 3}`,
        "        timeout: 30s",
      );
    }
  }
  return `${lines.join("\n")}\n`;
}
