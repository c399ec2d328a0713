package io.pgcdc.decoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgcdc.decoder.Samples.Sample;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every message kind, built by hand, decodes to the whole expected value. */
class MessageDecodingTest {

  static List<Sample> samples() {
    return Samples.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void decodesToTheExpectedValue(Sample s) {
    assertThat(new PgOutputDecoder(s.version()).decode(ByteBuffer.wrap(s.bytes()), s.inStream()))
        .isEqualTo(s.value());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void decodesTheSameFromAnyHigherProtocolVersion(Sample s) {
    for (int v = s.version(); v <= PgOutputDecoder.MAX_PROTOCOL_VERSION; v++) {
      if (s.name().equals("StreamAbort") && v >= 4 && s.version() < 4) {
        continue; // a v2 abort is also a v4 abort without the parallel fields: same value
      }
      assertThat(new PgOutputDecoder(v).decode(ByteBuffer.wrap(s.bytes()), s.inStream()))
          .isEqualTo(s.value());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void readsBetweenPositionAndLimitOfAnyBufferAndLeavesThemAlone(Sample s) {
    byte[] padded = new byte[s.bytes().length + 7];
    System.arraycopy(s.bytes(), 0, padded, 3, s.bytes().length);
    ByteBuffer heap = ByteBuffer.wrap(padded, 3, s.bytes().length).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer direct = ByteBuffer.allocateDirect(padded.length).put(padded);
    direct.position(3).limit(3 + s.bytes().length);
    ByteBuffer readOnly = heap.asReadOnlyBuffer();
    PgOutputDecoder decoder = new PgOutputDecoder(s.version());
    for (ByteBuffer b : List.of(heap, direct, readOnly)) {
      assertThat(decoder.decode(b, s.inStream())).isEqualTo(s.value());
      assertThat(b.position()).isEqualTo(3);
      assertThat(b.limit()).isEqualTo(3 + s.bytes().length);
    }
    assertThat(heap.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void rejectsTrailingBytes(Sample s) {
    byte[] longer = java.util.Arrays.copyOf(s.bytes(), s.bytes().length + 1);
    ByteBuffer b = ByteBuffer.wrap(longer);
    assertThatThrownBy(() -> new PgOutputDecoder(s.version()).decode(b, s.inStream()))
        .isInstanceOf(DecodeException.class)
        .hasMessageStartingWith(s.name() + ": expected end of message, got 1 byte more at offset ");
  }
}
