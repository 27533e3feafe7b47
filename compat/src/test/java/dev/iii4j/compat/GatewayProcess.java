package dev.iii4j.compat;

import dev.iii4j.testing.GatewayHarness;
import java.util.List;
import java.util.Map;

/**
 * The gateway the compatibility suites run against: a {@link GatewayHarness} with an RBAC listener
 * named {@code rbac}, configured like the Node SDK's own test fixture (its auth, middleware and
 * hook functions are registered by the tests), and HTTP-invoked functions allowed to reach loopback
 * servers the tests start.
 */
final class GatewayProcess {
  private GatewayProcess() {}

  static GatewayHarness start() {
    String rbac = "engine.gateway.listeners.rbac.";
    String http = "engine.gateway.http-functions.";
    return GatewayHarness.start(
        Map.ofEntries(
            Map.entry(rbac + "port", 0),
            Map.entry(rbac + "host", "127.0.0.1"),
            Map.entry(rbac + "middleware-function-id", "test::rbac-worker::middleware"),
            Map.entry(rbac + "auth-function-id", "test::rbac-worker::auth"),
            Map.entry(
                rbac + "on-function-registration-function-id",
                "test::rbac-worker::on-function-reg"),
            Map.entry(
                rbac + "on-trigger-registration-function-id", "test::rbac-worker::on-trigger-reg"),
            Map.entry(
                rbac + "on-trigger-type-registration-function-id",
                "test::rbac-worker::on-trigger-type-reg"),
            Map.entry(
                rbac + "expose-functions",
                List.of(
                    "match(\"test::ew::public::*\")",
                    "match(\"engine::functions::list\")",
                    "metadata.ew_public=true")),
            Map.entry(http + "url-allowlist", List.of("localhost", "127.0.0.1")),
            Map.entry(http + "require-https", false),
            Map.entry(http + "block-private-ips", false),
            Map.entry(http + "variables.COMPAT_HMAC_SECRET", "compat-secret")));
  }
}
