package dev.iii4j.gateway.httpfn;

import jakarta.inject.Singleton;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The SSRF rules of HTTP-invoked functions, checked when a function is registered and again before
 * every call: a valid http(s) URL, https unless allowed otherwise, a host on the allowlist, and no
 * host that resolves to a private, loopback, link-local or otherwise internal address. Redirects
 * are never followed by the caller, so a public endpoint cannot bounce a call inward.
 *
 * <p>The address check resolves the host; the HTTP client resolves it again when it connects, so a
 * DNS answer that changes in between is not caught (documented limitation).
 */
@Singleton
public final class UrlGuard {
  private final HttpFunctionsProperties properties;
  private final List<Pattern> allowlist;

  /** A guard over the given settings. */
  public UrlGuard(HttpFunctionsProperties properties) {
    this.properties = properties;
    this.allowlist =
        properties.urlAllowlist().stream()
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .map(UrlGuard::glob)
            .toList();
  }

  /**
   * Checks a URL.
   *
   * @return the reason it is refused ({@code Invalid URL}, {@code HTTPS is required}, {@code URL
   *     not in allowlist}, {@code Private IP blocked}, {@code DNS lookup failed}), or empty when
   *     allowed
   */
  public Optional<String> check(URI url) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    String host = url.getHost();
    if (!(scheme.equals("http") || scheme.equals("https")) || host == null || host.isEmpty()) {
      return Optional.of("Invalid URL");
    }
    if (properties.requireHttps() && !scheme.equals("https")) {
      return Optional.of("HTTPS is required");
    }
    String bareHost =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (!allowlist.isEmpty()
        && allowlist.stream()
            .noneMatch(p -> p.matcher(bareHost.toLowerCase(Locale.ROOT)).matches())) {
      return Optional.of("URL not in allowlist");
    }
    if (properties.blockPrivateIps()) {
      InetAddress[] addresses;
      try {
        addresses = InetAddress.getAllByName(bareHost);
      } catch (UnknownHostException e) {
        return Optional.of("DNS lookup failed");
      }
      for (InetAddress address : addresses) {
        if (isInternal(address)) {
          return Optional.of("Private IP blocked");
        }
      }
    }
    return Optional.empty();
  }

  /** Whether an address is not a public unicast address. */
  static boolean isInternal(InetAddress address) {
    if (address.isLoopbackAddress()
        || address.isAnyLocalAddress()
        || address.isLinkLocalAddress()
        || address.isSiteLocalAddress()
        || address.isMulticastAddress()) {
      return true;
    }
    byte[] b = address.getAddress();
    if (address instanceof Inet6Address) {
      if ((b[0] & 0xfe) == 0xfc) {
        return true; // fc00::/7 unique local
      }
      if ((b[0] & 0xff) == 0x20
          && (b[1] & 0xff) == 0x01
          && (b[2] & 0xff) == 0x0d
          && (b[3] & 0xff) == 0xb8) {
        return true; // 2001:db8::/32 documentation
      }
      boolean mapped = true;
      for (int i = 0; i < 10; i++) {
        mapped &= b[i] == 0;
      }
      if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
        try {
          return isInternal(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
        } catch (UnknownHostException impossible) {
          return true;
        }
      }
      return false;
    }
    if (address instanceof Inet4Address) {
      int a = b[0] & 0xff;
      int c = b[1] & 0xff;
      int d = b[2] & 0xff;
      return a == 0 // 0.0.0.0/8
          || (a == 100 && c >= 64 && c <= 127) // 100.64.0.0/10 shared address space
          || (a == 192 && c == 0 && d == 2) // 192.0.2.0/24 documentation
          || (a == 198 && c == 51 && d == 100) // 198.51.100.0/24 documentation
          || (a == 203 && c == 0 && d == 113) // 203.0.113.0/24 documentation
          || (a == 198 && (c == 18 || c == 19)) // 198.18.0.0/15 benchmarking
          || a >= 240; // reserved and broadcast
    }
    return false;
  }

  private static Pattern glob(String glob) {
    StringBuilder regex = new StringBuilder();
    for (String part : glob.toLowerCase(Locale.ROOT).split("\\*", -1)) {
      if (!regex.isEmpty()) {
        regex.append(".*");
      }
      regex.append(Pattern.quote(part));
    }
    return Pattern.compile(regex.toString());
  }
}
