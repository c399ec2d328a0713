package io.pgcdc.decoder.types;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.decoder.DecodeException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random text for every built-in type: a codec returns a value or throws {@link DecodeException},
 * nothing else; a value it returns writes back to text it reads as the same.
 */
class CodecFuzzTest {

  private static final String ALPHABET = "0123456789-+.:,;()[]{}<>\"'\\ /eExNULaBPTYMDHSinfty@";

  @Test
  void everyCodecOnlyReturnsAValueOrThrowsDecodeException() throws Throwable {
    Throwable[] failure = new Throwable[1];
    Thread t =
        new Thread(
            () -> {
              try {
                fuzz();
              } catch (Throwable e) {
                failure[0] = e;
              }
            },
            "codec-fuzz");
    t.setDaemon(true);
    t.start();
    t.join();
    if (failure[0] != null) {
      throw failure[0];
    }
  }

  private static void fuzz() {
    PgTypes types = PgTypes.builtIn();
    Random random = new Random(42);
    int known = 0;
    int values = 0;
    for (int oid = 0; oid < 16384; oid++) {
      if (!types.isKnown(oid)) {
        continue;
      }
      known++;
      for (int run = 0; run < 1500; run++) {
        StringBuilder sb = new StringBuilder();
        int len = random.nextInt(24);
        for (int i = 0; i < len; i++) {
          sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        String text = sb.toString();
        Object v;
        try {
          v = types.decodeText(oid, text);
        } catch (DecodeException e) {
          continue;
        } catch (RuntimeException e) {
          throw new AssertionError(types.typeName(oid) + " text '" + text + "'", e);
        }
        values++;
        String written = types.encodeText(oid, v);
        Object again = types.decodeText(oid, written);
        assertThat(PostgresValuesTest.normalized(again))
            .as(types.typeName(oid) + " '" + text + "' written '" + written + "'")
            .isEqualTo(PostgresValuesTest.normalized(v));
      }
    }
    assertThat(known).isGreaterThan(90);
    assertThat(values).isGreaterThan(1000); // the text alphabet does hit valid values
  }
}
