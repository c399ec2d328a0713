package io.pgcdc.decoder.bench;

import io.pgcdc.decoder.Insert;
import io.pgcdc.decoder.PgOutputDecoder;
import io.pgcdc.decoder.TupleValue;
import io.pgcdc.decoder.types.PgTypes;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Messages per second on one thread for a typical 10-column Insert in pgoutput text mode: the raw
 * parse, and the parse plus conversion of every column to its Java value. Not a test: run it with
 * {@code mvn -q -pl decoder test-compile exec:exec -Pbenchmark} (see docs/performance.md).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class DecoderBenchmark {

  /**
   * id int8, name text, email varchar, price numeric, active bool, created timestamptz, birthday
   * date, updated timestamp, score float8, quantity int4.
   */
  static final int[] TYPE_OIDS = {20, 25, 1043, 1700, 16, 1184, 1082, 1114, 701, 23};

  static final String[] VALUES = {
    "1234567",
    "Ada Lovelace",
    "ada@example.com",
    "12345.67",
    "t",
    "2024-03-01 12:34:56.789012+00",
    "1815-12-10",
    "2024-03-02 08:15:30.123456",
    "3.14159",
    "42"
  };

  private final PgOutputDecoder decoder = new PgOutputDecoder(1);
  private final PgTypes types = PgTypes.builtIn();
  private ByteBuffer insert;

  @Setup
  public void setUp() {
    insert = ByteBuffer.wrap(insertMessage());
  }

  /** Byte1('I'), Int32 relation OID, Byte1('N'), Int16 columns, per column 't' Int32 len bytes. */
  static byte[] insertMessage() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write('I');
    writeInt(out, 16384);
    out.write('N');
    out.write(0);
    out.write(VALUES.length);
    for (String v : VALUES) {
      byte[] b = v.getBytes(StandardCharsets.UTF_8);
      out.write('t');
      writeInt(out, b.length);
      out.write(b, 0, b.length);
    }
    return out.toByteArray();
  }

  private static void writeInt(ByteArrayOutputStream out, int v) {
    out.write(v >>> 24);
    out.write(v >>> 16);
    out.write(v >>> 8);
    out.write(v);
  }

  @Benchmark
  public Object rawParse() {
    return decoder.decode(insert, false);
  }

  @Benchmark
  public void parseAndConvert(Blackhole bh) {
    Insert i = (Insert) decoder.decode(insert, false);
    List<TupleValue> tuple = i.newTuple();
    for (int c = 0; c < TYPE_OIDS.length; c++) {
      bh.consume(types.decodeText(TYPE_OIDS[c], ((TupleValue.Text) tuple.get(c)).text()));
    }
  }
}
