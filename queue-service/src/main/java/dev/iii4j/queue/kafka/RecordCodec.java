package dev.iii4j.queue.kafka;

import dev.iii4j.queue.DeadLetter;
import dev.iii4j.queue.Job;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** JSON values and the headers this adapter puts on records. */
final class RecordCodec {
  /** The function a record is addressed to (topics: filters the copies of other subscribers). */
  static final String FUNCTION_HEADER = "iii-fn";

  /** Unix milliseconds before which a retry record must not be delivered. */
  static final String DUE_HEADER = "iii-due";

  private final ObjectMapper mapper;

  RecordCodec(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  byte[] job(Job job) {
    try {
      return mapper.writeValueAsBytes(job);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Job job(byte[] bytes) throws IOException {
    Job job = mapper.readValue(bytes, Job.class);
    if (job == null) {
      throw new IOException("empty record");
    }
    return job;
  }

  byte[] deadLetter(DeadLetter entry) {
    try {
      return mapper.writeValueAsBytes(entry);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  DeadLetter deadLetter(byte[] bytes) throws IOException {
    DeadLetter entry = mapper.readValue(bytes, DeadLetter.class);
    if (entry == null) {
      throw new IOException("empty record");
    }
    return entry;
  }

  static byte[] text(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] number(long value) {
    return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
  }

  static @Nullable String text(Headers headers, String key) {
    Header h = headers.lastHeader(key);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  static long number(Headers headers, String key, long fallback) {
    Header h = headers.lastHeader(key);
    return h == null || h.value() == null || h.value().length != Long.BYTES
        ? fallback
        : ByteBuffer.wrap(h.value()).getLong();
  }
}
