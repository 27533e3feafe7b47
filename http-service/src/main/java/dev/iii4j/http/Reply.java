package dev.iii4j.http;

import java.util.List;

/**
 * A complete (buffered) HTTP response.
 *
 * @param status the status code
 * @param headers the header lines in order; a name may repeat
 * @param body the body bytes, possibly empty
 */
public record Reply(int status, List<Header> headers, byte[] body) {
  private static final byte[] EMPTY = new byte[0];

  /** Copies the headers. */
  public Reply {
    headers = List.copyOf(headers);
  }

  /** A response with no headers and no body. */
  public static Reply empty(int status) {
    return new Reply(status, List.of(), EMPTY);
  }
}
