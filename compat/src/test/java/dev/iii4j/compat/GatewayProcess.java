package dev.iii4j.compat;

import dev.iii4j.testing.GatewayHarness;
import java.util.List;
import java.util.Map;

/**
 * The gateway the compatibility suites run against: a {@link GatewayHarness} with an RBAC listener
 * named {@code rbac}, configured like the Node SDK's own test fixture (its auth, middleware and
 * hook functions are registered by the tests).
 */
final class GatewayProcess {
  private GatewayProcess() {}

  static GatewayHarness start() {
    String rbac = "engine.gateway.listeners.rbac.";
    return GatewayHarness.start(
        Map.of(
            rbac + "port", 0,
            rbac + "host", "127.0.0.1",
            rbac + "middleware-function-id", "test::rbac-worker::middleware",
            rbac + "auth-function-id", "test::rbac-worker::auth",
            rbac + "on-function-registration-function-id", "test::rbac-worker::on-function-reg",
            rbac + "on-trigger-registration-function-id", "test::rbac-worker::on-trigger-reg",
            rbac + "on-trigger-type-registration-function-id",
                "test::rbac-worker::on-trigger-type-reg",
            rbac + "expose-functions",
                List.of(
                    "match(\"test::ew::public::*\")",
                    "match(\"engine::functions::list\")",
                    "metadata.ew_public=true")));
  }
}
