package dev.iii4j.gateway.config;

import dev.iii4j.protocol.MessageCodec;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/**
 * Makes the protocol codec a bean (Jackson only; it does not use the application's serde mapper).
 */
@Factory
final class CodecFactory {
  @Singleton
  MessageCodec messageCodec() {
    return new MessageCodec();
  }
}
