package io.pgcdc.decoder.types;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.decoder.DecodeException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Values exactly as PostgreSQL 15 writes them (pg15-values.tsv: type OID, output text): the text
 * must convert to a Java value, and that value must write back to text that converts to it again.
 */
class PostgresValuesTest {

  private static final PgTypes TYPES = PgTypes.builtIn();

  record Value(int oid, String text) {
    @Override
    public String toString() {
      return TYPES.typeName(oid) + " " + text;
    }
  }

  static List<Value> values() throws IOException {
    List<Value> out = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(
                PostgresValuesTest.class.getResourceAsStream("/pg15-values.tsv"),
                StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\t", -1);
        out.add(new Value(Integer.parseInt(f[0]), f[1]));
      }
    }
    return out;
  }

  /** Deep equality that compares byte[] by content, also inside arrays. */
  static void assertSameValue(Object actual, Object expected) {
    assertThat(normalize(actual)).isEqualTo(normalize(expected));
  }

  /** The value with byte[] made comparable by content, also inside arrays. */
  static Object normalized(Object v) {
    return normalize(v);
  }

  private static Object normalize(Object v) {
    if (v instanceof byte[] b) {
      return "bytes:" + HexFormat.of().formatHex(b);
    }
    if (v instanceof PgArray a) {
      List<Object> elements = new ArrayList<>();
      for (Object e : a.elements()) {
        elements.add(normalize(e));
      }
      return List.of(a.dimensions(), a.lowerBounds(), elements);
    }
    return v;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("values")
  void textConvertsToItsJavaForm(Value v) {
    Object fromText = TYPES.decodeText(v.oid(), v.text());
    assertThat(TYPES.isKnown(v.oid())).isTrue();
    assertThat(fromText).isNotNull();
    if (!isStringType(v.oid())) {
      assertThat(fromText).isNotInstanceOf(String.class);
    }
  }

  private static boolean isStringType(int oid) {
    return oid == 25;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("values")
  void javaValueWritesBackToTextThatReadsTheSame(Value v) {
    Object value = TYPES.decodeText(v.oid(), v.text());
    String written = TYPES.encodeText(v.oid(), value);
    assertSameValue(TYPES.decodeText(v.oid(), written), value);
    if (isStringType(v.oid())) {
      assertThat(written).isEqualTo(v.text());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("values")
  void mutatedTextOnlyFailsWithDecodeException(Value v) {
    Random random = new Random(v.text().hashCode());
    String chars = "0123456789-+.:,;()[]{}\"\\ eE/xNULaB";
    for (int k = 0; k < 300; k++) {
      StringBuilder sb = new StringBuilder(v.text());
      if (sb.length() > 0 && random.nextBoolean()) {
        sb.setCharAt(random.nextInt(sb.length()), chars.charAt(random.nextInt(chars.length())));
      } else if (sb.length() > 0) {
        sb.setLength(random.nextInt(sb.length()));
      } else {
        sb.append(chars.charAt(random.nextInt(chars.length())));
      }
      try {
        TYPES.decodeText(v.oid(), sb.toString());
      } catch (DecodeException e) {
        assertThat(e.getMessage()).contains(": expected ");
      } catch (RuntimeException e) {
        throw new AssertionError("text " + sb, e);
      }
    }
  }
}
