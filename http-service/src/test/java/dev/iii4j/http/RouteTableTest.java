package dev.iii4j.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The route table's rules (spec section 4.2), without a server. */
class RouteTableTest {
  private static Route route(String trigger, String method, String path) {
    return Route.of(trigger, "fn-" + trigger, method, path, null, List.of(), null);
  }

  @Test
  void leadingSlashIsOptionalAndMethodsAreCaseInsensitive() {
    RouteTable table = new RouteTable();
    table.add(route("a", "get", "users"));
    assertThat(table.match("GET", "/users")).isInstanceOf(RouteMatch.Found.class);
    table.add(route("b", "GET", "/users"));
    assertThat(table.size()).as("the same route again replaces it").isEqualTo(1);
    assertThat(((RouteMatch.Found) table.match("GET", "/users")).route().triggerId())
        .isEqualTo("b");
  }

  @Test
  void unregisteringRemovesOnlyTheOwnersRoute() {
    RouteTable table = new RouteTable();
    table.add(route("a", "GET", "x"));
    table.add(route("b", "GET", "x"));
    table.remove("a");
    assertThat(table.match("GET", "/x")).isInstanceOf(RouteMatch.Found.class);
    table.remove("b");
    assertThat(table.match("GET", "/x")).isInstanceOf(RouteMatch.NotFound.class);
  }

  @Test
  void differentParameterNamesConflict() {
    RouteTable table = new RouteTable();
    table.add(route("a", "GET", "u/:id"));
    assertThatThrownBy(() -> table.add(route("b", "GET", "/u/:uid")))
        .isInstanceOf(RouteConflictException.class)
        .hasMessage(
            "Route 'GET u/:uid' conflicts with already-registered route 'GET u/:id': routes with"
                + " identical structure but different path-parameter names are not supported");
    table.add(route("c", "POST", "u/:uid"));
    table.add(route("d", "GET", "u/{id}"));
    assertThat(((RouteMatch.Found) table.match("GET", "/u/1")).route().triggerId()).isEqualTo("d");
  }

  @Test
  void literalsWinAndTrailingSlashesCount() {
    RouteTable table = new RouteTable();
    table.add(route("p", "GET", "f/:a/x"));
    table.add(route("l", "GET", "f/b/:c"));
    RouteMatch.Found found = (RouteMatch.Found) table.match("GET", "/f/b/x");
    assertThat(found.route().triggerId()).isEqualTo("l");
    assertThat(found.pathParams()).isEqualTo(Map.of("c", "x"));
    assertThat(table.match("GET", "/f/b/x/")).isInstanceOf(RouteMatch.NotFound.class);
  }

  @Test
  void wrongMethodListsTheAllowedOnes() {
    RouteTable table = new RouteTable();
    table.add(route("a", "POST", "m"));
    table.add(route("b", "PUT", "m"));
    table.add(route("c", "BREW", "m"));
    assertThat(table.match("GET", "/m"))
        .isEqualTo(new RouteMatch.MethodNotAllowed(Set.of("POST", "PUT")));
    assertThat(table.match("BREW", "/m")).isInstanceOf(RouteMatch.MethodNotAllowed.class);
  }

  @Test
  void orphanedRoutesMatchOnlyWhileDisconnected() {
    RouteTable table = new RouteTable();
    table.add(route("a", "GET", "o/:id"));
    table.orphan("a");
    assertThat(table.match("GET", "/o/1", false)).isInstanceOf(RouteMatch.Found.class);
    assertThat(table.match("GET", "/o/1", true)).isInstanceOf(RouteMatch.NotFound.class);
    table.add(route("b", "GET", "o/:other"));
    assertThat(((RouteMatch.Found) table.match("GET", "/o/1", true)).route().triggerId())
        .as("an orphan never blocks a new route")
        .isEqualTo("b");
  }
}
