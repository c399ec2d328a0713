package io.pgcdc.decoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pgcdc.decoder.Samples.Sample;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every proper prefix of every valid message fails with a DecodeException that names the message,
 * the field, what was expected, and the offset where the bytes ran out.
 */
class TruncatedMessagesTest {

  private static final Pattern ERROR =
      Pattern.compile("(\\w+)\\.([\\w.\\[\\]]+): expected (.+), got (.+) at offset (\\d+)");

  static List<Sample> samples() {
    return Samples.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void everyPrefixFailsNamingMessageFieldAndOffset(Sample s) {
    PgOutputDecoder decoder = new PgOutputDecoder(s.version());
    for (int len = 0; len < s.bytes().length; len++) {
      if (s.name().equals("StreamAbort") && s.version() == 4 && len == 9) {
        continue; // ends after subXid: a valid abort without the parallel-streaming fields
      }
      ByteBuffer prefix = ByteBuffer.wrap(s.bytes(), 0, len);
      Throwable t = catchThrowable(() -> decoder.decode(prefix, s.inStream()));
      assertThat(t).as("prefix of %d bytes", len).isInstanceOf(DecodeException.class);
      Matcher m = ERROR.matcher(t.getMessage());
      assertThat(m.matches()).as("message format of: %s", t.getMessage()).isTrue();
      assertThat(m.group(1)).isEqualTo(len == 0 ? "message" : s.name());
      assertThat(m.group(3)).as(t.getMessage()).isNotBlank();
      int offset = Integer.parseInt(m.group(5));
      assertThat(offset).as(t.getMessage()).isBetween(0, len);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void truncationInsideAFixedFieldReportsTheBytesLeft(Sample s) {
    // Cutting one byte off a message that ends with an Int32/Int64/string reports what is left.
    ByteBuffer prefix = ByteBuffer.wrap(s.bytes(), 0, s.bytes().length - 1);
    Throwable t =
        catchThrowable(() -> new PgOutputDecoder(s.version()).decode(prefix, s.inStream()));
    if (s.name().equals("StreamStop")) {
      assertThat(t)
          .hasMessage(
              "message.type: expected a message type byte (B, M, C, O, R, Y,"
                  + " I, U, D, T, S, E, c, A, b, P, K, r, p), got end of message at offset 0");
    } else {
      assertThat(t).isInstanceOf(DecodeException.class).hasMessageStartingWith(s.name() + ".");
    }
  }
}
