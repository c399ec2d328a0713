package io.pgcdc.decoder.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.decoder.Insert;
import io.pgcdc.decoder.PgOutputDecoder;
import io.pgcdc.decoder.TupleValue;
import io.pgcdc.decoder.types.PgTypes;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

/** The benchmark measures the real path: its message decodes and every column converts. */
class DecoderBenchmarkTest {

  @Test
  void benchmarkMessageDecodesAndConvertsToJavaValues() {
    Insert i =
        (Insert)
            new PgOutputDecoder(1).decode(ByteBuffer.wrap(DecoderBenchmark.insertMessage()), false);
    PgTypes types = PgTypes.builtIn();
    Object[] values = new Object[10];
    for (int c = 0; c < 10; c++) {
      String text = ((TupleValue.Text) i.newTuple().get(c)).text();
      values[c] = types.decodeText(DecoderBenchmark.TYPE_OIDS[c], text);
    }
    assertThat(values)
        .containsExactly(
            1234567L,
            "Ada Lovelace",
            "ada@example.com",
            new BigDecimal("12345.67"),
            true,
            OffsetDateTime.parse("2024-03-01T12:34:56.789012Z"),
            LocalDate.of(1815, 12, 10),
            LocalDateTime.of(2024, 3, 2, 8, 15, 30, 123_456_000),
            3.14159,
            42);
  }
}
