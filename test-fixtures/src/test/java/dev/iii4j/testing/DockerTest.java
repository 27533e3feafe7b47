package dev.iii4j.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DockerTest {
  private static final List<String> IMAGES = List.of("postgres:17-alpine", "testcontainers/ryuk");

  @Test
  void anEngineWithoutTheImagesLocallyIsNotUsed() {
    // The trap on a machine that runs a Docker engine but reaches no image registry: the
    // fixtures must fall back to their embedded servers rather than try to pull.
    assertThat(Docker.usable(true, image -> false, IMAGES)).isFalse();
    assertThat(Docker.usable(true, Set.of("postgres:17-alpine")::contains, IMAGES)).isFalse();
  }

  @Test
  void anEngineWithEveryImageLocallyIsUsed() {
    assertThat(Docker.usable(true, Set.copyOf(IMAGES)::contains, IMAGES)).isTrue();
  }

  @Test
  void noEngineIsNeverUsed() {
    assertThat(Docker.usable(false, image -> true, IMAGES)).isFalse();
  }

  @Test
  void anImageNamedNowhereIsNotUsable() {
    // Whether or not an engine answers here, an image that exists nowhere is never chosen.
    assertThat(Docker.usable("iii4j/no-such-image:never")).isFalse();
  }
}
