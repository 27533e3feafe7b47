package dev.iii4j.microbench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.iii4j.protocol.Json;
import dev.iii4j.protocol.Message;
import dev.iii4j.protocol.MessageCodec;
import dev.iii4j.protocol.Payload;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The gateway's CPU work per frame, without sockets: decoding an {@code invokefunction} or {@code
 * invocationresult}, encoding it into a Netty buffer, and routing it (decode, add {@code
 * _caller_worker_id} for invocations, encode for the other side), at payloads of 100 B, 10 KiB and
 * 1 MiB. The {@code *Tree} variants do the same with the payload as a tree, the way every frame was
 * handled before payloads passed through, for comparison. {@code sdkEncodeResultOnVirtualThread} is
 * the SDK's side: a handler's answer encoded on a virtual thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx512m"})
public class FrameBenchmarks {

  @Param({"100", "10240", "1048576"})
  public int payloadBytes;

  private final MessageCodec codec = new MessageCodec();
  private final ObjectMapper mapper = Json.mapper();
  private byte[] invocation;
  private byte[] result;
  private Message.InvokeFunction decodedInvocation;
  private Message.InvocationResult decodedResult;
  private Message.InvokeFunction treeInvocation;
  private Message.InvocationResult treeResult;
  private ByteBuf buffer;

  @Setup(Level.Trial)
  public void setUp() {
    String payload = payload(payloadBytes);
    invocation =
        ("{\"type\":\"invokefunction\",\"invocation_id\":\"4b7e2f0c-2d1e-4b8a-9a43-0c1f3e9d5a10\","
                + "\"function_id\":\"bench::echo\",\"data\":"
                + payload
                + ",\"traceparent\":\"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\"}")
            .getBytes(StandardCharsets.UTF_8);
    result =
        ("{\"type\":\"invocationresult\",\"invocation_id\":\"4b7e2f0c-2d1e-4b8a-9a43-0c1f3e9d5a10\","
                + "\"function_id\":\"bench::echo\",\"result\":"
                + payload
                + "}")
            .getBytes(StandardCharsets.UTF_8);
    decodedInvocation = (Message.InvokeFunction) codec.decode(invocation);
    decodedResult = (Message.InvocationResult) codec.decode(result);
    treeInvocation =
        Message.InvokeFunction.of(
            decodedInvocation.invocationId(),
            decodedInvocation.functionId(),
            decodedInvocation.data(),
            decodedInvocation.traceparent(),
            null,
            null,
            null);
    treeResult =
        Message.InvocationResult.of(
            decodedResult.invocationId(),
            decodedResult.functionId(),
            decodedResult.result(),
            null,
            null,
            null);
    buffer = PooledByteBufAllocator.DEFAULT.buffer(invocation.length + 256);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    buffer.release();
  }

  /** An object of about {@code bytes} bytes of JSON: records with strings, numbers and arrays. */
  static String payload(int bytes) {
    StringBuilder json = new StringBuilder("{\"items\":[");
    int i = 0;
    while (json.length() < bytes - 60) {
      if (i > 0) {
        json.append(',');
      }
      json.append("{\"id\":")
          .append(i)
          .append(",\"name\":\"item-")
          .append(i)
          .append("\",\"price\":")
          .append(i)
          .append(".5,\"tags\":[\"a\",\"b\"]}");
      i++;
    }
    return json.append("],\"n\":").append(i).append('}').toString();
  }

  private ByteBuf encode(Message message) {
    buffer.clear();
    codec.encodeTo(message, new ByteBufOutputStream(buffer));
    return buffer;
  }

  @Benchmark
  public Message decodeInvocation() {
    return codec.decode(invocation);
  }

  @Benchmark
  public JsonNode decodeInvocationTree() throws IOException {
    return mapper.readTree(invocation);
  }

  @Benchmark
  public ByteBuf encodeInvocation() {
    return encode(decodedInvocation);
  }

  @Benchmark
  public ByteBuf encodeInvocationTree() {
    return encode(treeInvocation);
  }

  @Benchmark
  public ByteBuf routeInvocation() {
    var m = (Message.InvokeFunction) codec.decode(invocation);
    Payload data = m.payload().withStringField("_caller_worker_id", "worker-1");
    return encode(
        new Message.InvokeFunction(
            m.invocationId(), m.functionId(), data, m.traceparent(), m.baggage(), null, null));
  }

  @Benchmark
  public Message decodeResult() {
    return codec.decode(result);
  }

  @Benchmark
  public JsonNode decodeResultTree() throws IOException {
    return mapper.readTree(result);
  }

  @Benchmark
  public ByteBuf encodeResult() {
    return encode(decodedResult);
  }

  @Benchmark
  public ByteBuf encodeResultTree() {
    return encode(treeResult);
  }

  @Benchmark
  public ByteBuf routeResult() {
    return encode(codec.decode(result));
  }

  /**
   * What a Java SDK worker does with a handler's answer: encode a result with a tree payload, on a
   * virtual thread of its own (a handler's task); the thread's start and join are part of the
   * figure, so compare it with itself before and after, and read {@code -prof gc}'s bytes per op.
   */
  @Benchmark
  public byte[] sdkEncodeResultOnVirtualThread() throws InterruptedException {
    byte[][] frame = new byte[1][];
    Thread.ofVirtual().start(() -> frame[0] = codec.encodeToBytes(treeResult)).join();
    return frame[0];
  }
}
