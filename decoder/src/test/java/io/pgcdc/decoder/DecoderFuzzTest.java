package io.pgcdc.decoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Feeds a million random and mutated messages to the decoder. It must return a message or throw
 * {@link DecodeException}: no other exception, no hang, and no allocation out of proportion to the
 * input (a declared count or length larger than the input must be rejected before allocating).
 */
class DecoderFuzzTest {

  private static final long SEED = 0x5EED_C0DEL;
  private static final int RUNS = 1_000_000;
  private static final byte[] TAGS =
      "BMCORYIUDTSEcAbPKrpZ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final int[] NASTY_INTS = {
    0,
    1,
    -1,
    2,
    7,
    255,
    256,
    0x7FFF,
    0x8000,
    0xFFFF,
    65_536,
    1_000_000,
    16_777_216,
    Integer.MAX_VALUE,
    Integer.MIN_VALUE,
    Integer.MAX_VALUE - 3
  };

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void decoderOnlyReturnsAMessageOrThrowsDecodeException() throws Throwable {
    // A thread of its own keeps stacks shallow: most runs throw, and each exception records its
    // stack, which under JUnit's deep stack costs more than the decoding.
    Throwable[] failure = new Throwable[1];
    Thread fuzzer =
        new Thread(
            () -> {
              try {
                fuzz();
              } catch (Throwable t) {
                failure[0] = t;
              }
            },
            "decoder-fuzz");
    fuzzer.setDaemon(true); // a hang fails the test by its timeout and must not keep the JVM
    fuzzer.start();
    fuzzer.join();
    if (failure[0] != null) {
      throw failure[0];
    }
  }

  private static void fuzz() {
    Random random = new Random(SEED);
    List<Samples.Sample> samples = Samples.all();
    PgOutputDecoder[] decoders = new PgOutputDecoder[5];
    for (int v = 1; v <= 4; v++) {
      decoders[v] = new PgOutputDecoder(v);
    }
    int decoded = 0;
    int rejected = 0;
    int warmUp = 20_000; // class loading and first-use caches allocate once; measure after
    for (int run = -warmUp; run < RUNS; run++) {
      byte[] input;
      if (run % 4 == 0) {
        input = randomMessage(random);
      } else {
        input = mutate(samples.get(random.nextInt(samples.size())).bytes(), random);
      }
      int version = 1 + random.nextInt(4);
      boolean inStream = version >= 2 && random.nextBoolean();
      long before = THREADS.getCurrentThreadAllocatedBytes();
      try {
        PgOutputMessage m = decoders[version].decode(ByteBuffer.wrap(input), inStream);
        assertThat(m).isNotNull();
        decoded += run >= 0 ? 1 : 0;
      } catch (DecodeException e) {
        rejected += run >= 0 ? 1 : 0;
        if (!e.getMessage().contains(" at offset ")) {
          fail("error without an offset: " + e.getMessage());
        }
      } catch (RuntimeException | Error e) {
        throw new AssertionError(
            "run "
                + run
                + ", v"
                + version
                + (inStream ? " in stream" : "")
                + ", input "
                + HexFormat.of().formatHex(input),
            e);
      }
      long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
      // Objects, strings and an exception's stack trace: bounded by a constant plus a
      // multiple of the input; a length read from the input never sizes an allocation alone.
      if (run >= 0 && allocated > 64 * 1024 + 256L * input.length) {
        fail(
            "allocated "
                + allocated
                + " bytes for "
                + input.length
                + " input bytes: "
                + HexFormat.of().formatHex(input));
      }
    }
    // Both outcomes must be exercised, or the mutations are too weak to mean anything.
    assertThat(decoded).isGreaterThan(RUNS / 50);
    assertThat(rejected).isGreaterThan(RUNS / 2);
  }

  private static byte[] randomMessage(Random random) {
    byte[] b = new byte[random.nextInt(64)];
    random.nextBytes(b);
    if (b.length > 0) {
      b[0] = TAGS[random.nextInt(TAGS.length)];
    }
    return b;
  }

  private static byte[] mutate(byte[] valid, Random random) {
    byte[] b = valid.clone();
    int mutations = 1 + random.nextInt(3);
    for (int i = 0; i < mutations; i++) {
      switch (random.nextInt(7)) {
        case 0 -> { // flip a bit
          if (b.length > 0) {
            b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
          }
        }
        case 1 -> { // a random byte
          if (b.length > 0) {
            b[random.nextInt(b.length)] = (byte) random.nextInt(256);
          }
        }
        case 2 -> { // a nasty Int32 or Int16 where a count or length may be
          if (b.length >= 4) {
            int at = random.nextInt(b.length - 3);
            int v = NASTY_INTS[random.nextInt(NASTY_INTS.length)];
            ByteBuffer.wrap(b).putInt(at, v);
          }
        }
        case 3 -> b = Arrays.copyOf(b, random.nextInt(b.length + 1)); // truncate
        case 4 -> { // append garbage
          int extra = 1 + random.nextInt(8);
          int old = b.length;
          b = Arrays.copyOf(b, old + extra);
          for (int k = old; k < b.length; k++) {
            b[k] = (byte) random.nextInt(256);
          }
        }
        case 5 -> { // delete a range
          if (b.length > 1) {
            int from = random.nextInt(b.length);
            int to = from + random.nextInt(b.length - from);
            byte[] c = new byte[b.length - (to - from)];
            System.arraycopy(b, 0, c, 0, from);
            System.arraycopy(b, to, c, from, b.length - to);
            b = c;
          }
        }
        default -> { // change the message type
          if (b.length > 0) {
            b[0] = TAGS[random.nextInt(TAGS.length)];
          }
        }
      }
    }
    return b;
  }
}
