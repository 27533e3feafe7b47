package dev.iii4j.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iii4j.gateway.httpfn.HttpFunctionsProperties;
import dev.iii4j.gateway.httpfn.UrlGuard;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UrlGuardTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://10.1.2.3/", "https://172.16.0.1/", "https://192.168.1.1/",
            "https://169.254.169.254/",
        "https://127.0.0.1/", "https://0.0.0.0/", "https://100.64.0.1/", "https://192.0.2.10/",
        "https://[::1]/", "https://[fc00::1]/", "https://[fe80::1]/", "https://[::ffff:10.0.0.1]/",
        "https://[2001:db8::1]/", "https://255.255.255.255/", "https://224.0.0.1/"
      })
  void blocksInternalAddresses(String url) {
    UrlGuard guard =
        new UrlGuard(new HttpFunctionsProperties(true, List.of("*"), true, true, null));
    assertThat(guard.check(URI.create(url))).contains("Private IP blocked");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"https://8.8.8.8/", "https://[2606:4700:4700::1111]/", "https://1.1.1.1/x?y=1"})
  void admitsPublicAddresses(String url) {
    UrlGuard guard =
        new UrlGuard(new HttpFunctionsProperties(true, List.of("*"), true, true, null));
    assertThat(guard.check(URI.create(url))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://api.example.com/", "https://API.Example.com/x"})
  void matchesAllowlistGlobsOnTheHostCaseInsensitively(String url) {
    UrlGuard guard =
        new UrlGuard(
            new HttpFunctionsProperties(true, List.of("*.example.com"), true, false, null));
    assertThat(guard.check(URI.create(url))).isEmpty();
    assertThat(guard.check(URI.create("https://example.org/"))).contains("URL not in allowlist");
  }
}
