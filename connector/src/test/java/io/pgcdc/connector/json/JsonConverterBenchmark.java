package io.pgcdc.connector.json;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.storage.Converter;

/**
 * Records per second of Kafka's JsonConverter and ours, one thread, on the records pgcdc handles:
 *
 * <ul>
 *   <li>source: a change-event envelope (before, after, source, op, ts_ms) of a 6-column row,
 *       written with its schema (schemas.enable=true), about 2.6 KB of JSON; and read back;
 *   <li>sink: the same event as schemaless JSON (schemas.enable=false), read into a Map; and
 *       written from the Map.
 * </ul>
 *
 * <p>Not a test: run it by hand (see docs/performance.md). System properties {@code seconds}
 * (measured time per round, default 3), {@code rounds} (default 3; the first is warm-up) and {@code
 * only} (run only the cases whose name starts with it, e.g. "sink read").
 */
public final class JsonConverterBenchmark {
  private static final int RECORDS = 1000;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private JsonConverterBenchmark() {}

  public static void main(String[] args) {
    double seconds = Double.parseDouble(System.getProperty("seconds", "3"));
    int rounds = Integer.parseInt(System.getProperty("rounds", "3"));

    Schema envelope = envelopeSchema();
    List<Struct> events = new ArrayList<>();
    List<Map<String, Object>> maps = new ArrayList<>();
    Random random = new Random(1);
    for (int i = 0; i < RECORDS; i++) {
      events.add(event(envelope, i, random));
      maps.add(eventMap(i, random));
    }

    Converter kafkaWithSchemas = kafka(true);
    Converter oursWithSchemas = ours(true);
    Converter kafkaSchemaless = kafka(false);
    Converter oursSchemaless = ours(false);
    List<byte[]> sourceBytes = new ArrayList<>();
    List<byte[]> sinkBytes = new ArrayList<>();
    for (int i = 0; i < RECORDS; i++) {
      sourceBytes.add(kafkaWithSchemas.fromConnectData("t", envelope, events.get(i)));
      sinkBytes.add(kafkaSchemaless.fromConnectData("t", null, maps.get(i)));
    }
    System.out.printf(
        "record sizes: with schema %d bytes, schemaless %d bytes%n",
        sourceBytes.get(0).length, sinkBytes.get(0).length);

    for (int round = 1; round <= rounds; round++) {
      System.out.printf("round %d%s%n", round, round == 1 ? " (warm-up)" : "");
      for (Converter c : List.of(kafkaWithSchemas, oursWithSchemas)) {
        run(
            "source write, schemas.enable=true",
            c,
            seconds,
            i -> c.fromConnectData("t", envelope, events.get(i)).length);
      }
      for (Converter c : List.of(kafkaWithSchemas, oursWithSchemas)) {
        run(
            "source read, schemas.enable=true",
            c,
            seconds,
            i -> c.toConnectData("t", sourceBytes.get(i)).value() == null ? 0 : 1);
      }
      for (Converter c : List.of(kafkaSchemaless, oursSchemaless)) {
        run(
            "sink read, schemas.enable=false",
            c,
            seconds,
            i -> c.toConnectData("t", sinkBytes.get(i)).value() == null ? 0 : 1);
      }
      for (Converter c : List.of(kafkaSchemaless, oursSchemaless)) {
        run(
            "sink write, schemas.enable=false",
            c,
            seconds,
            i -> c.fromConnectData("t", null, maps.get(i)).length);
      }
    }
  }

  private interface Op {
    int apply(int i);
  }

  private static void run(String what, Converter c, double seconds, Op op) {
    if (!what.startsWith(System.getProperty("only", ""))) {
      return;
    }
    long sink = 0;
    long n = 0;
    long cpu0 = THREADS.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    long deadline = t0 + (long) (seconds * 1e9);
    while (System.nanoTime() < deadline) {
      for (int i = 0; i < RECORDS; i++) {
        sink += op.apply(i);
      }
      n += RECORDS;
    }
    double wall = (System.nanoTime() - t0) / 1e9;
    double cpu = (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e9;
    System.out.printf(
        "  %-36s %-8s %,12.0f records/s wall, %,12.0f records per CPU-second  (%d)%n",
        what, c instanceof JsonConverter ? "pgcdc" : "kafka", n / wall, n / cpu, sink & 1);
  }

  private static Converter kafka(boolean schemas) {
    Converter c = new org.apache.kafka.connect.json.JsonConverter();
    c.configure(Map.of("schemas.enable", Boolean.toString(schemas)), false);
    return c;
  }

  private static Converter ours(boolean schemas) {
    Converter c = new JsonConverter();
    c.configure(Map.of("schemas.enable", Boolean.toString(schemas)), false);
    return c;
  }

  /** The shape of pgcdc's source value schema (TableSchema, Envelope) for a 6-column table. */
  static Schema envelopeSchema() {
    String topic = "pgcdc.public.bench";
    Schema row =
        SchemaBuilder.struct()
            .name(topic + ".Value")
            .optional()
            .field("id", column(SchemaBuilder.int64(), "bigint"))
            .field("a", column(SchemaBuilder.int32(), "integer"))
            .field("b", column(SchemaBuilder.string(), "text"))
            .field("c", column(Decimal.builder(2), "numeric(12,2)"))
            .field("d", column(Timestamp.builder(), "timestamp with time zone"))
            .field("e", column(SchemaBuilder.bool(), "boolean"))
            .build();
    Schema source =
        SchemaBuilder.struct()
            .name("io.pgcdc.connector.source.Source")
            .field("version", Schema.STRING_SCHEMA)
            .field("connector", Schema.STRING_SCHEMA)
            .field("name", Schema.STRING_SCHEMA)
            .field("ts_ms", Schema.INT64_SCHEMA)
            .field("snapshot", Schema.OPTIONAL_STRING_SCHEMA)
            .field("db", Schema.STRING_SCHEMA)
            .field("schema", Schema.OPTIONAL_STRING_SCHEMA)
            .field("table", Schema.OPTIONAL_STRING_SCHEMA)
            .field("txId", Schema.OPTIONAL_INT64_SCHEMA)
            .field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
            .field("commit_lsn", Schema.OPTIONAL_INT64_SCHEMA)
            .field(
                "unchanged_toast_columns",
                SchemaBuilder.array(Schema.STRING_SCHEMA).optional().build())
            .build();
    return SchemaBuilder.struct()
        .name(topic + ".Envelope")
        .field("before", row)
        .field("after", row)
        .field("source", source)
        .field("op", Schema.STRING_SCHEMA)
        .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
        .build();
  }

  private static Schema column(SchemaBuilder b, String pgType) {
    return b.optional().parameter("pgcdc.type", pgType).build();
  }

  /** An update event with before and after images. */
  static Struct event(Schema envelope, int i, Random random) {
    Schema row = envelope.field("after").schema();
    Struct before = row(row, i, random);
    Struct after = row(row, i, random);
    Schema sourceSchema = envelope.field("source").schema();
    long lsn = 0x16B3748L + i * 120L;
    Struct source =
        new Struct(sourceSchema)
            .put("version", "0.1.0")
            .put("connector", "pgcdc")
            .put("name", "pgcdc")
            .put("ts_ms", 1763800000000L + i)
            .put("db", "bench")
            .put("schema", "public")
            .put("table", "bench")
            .put("txId", 1000L + i / 10)
            .put("lsn", lsn)
            .put("commit_lsn", lsn + 1000);
    return new Struct(envelope)
        .put("before", before)
        .put("after", after)
        .put("source", source)
        .put("op", "u")
        .put("ts_ms", 1763800000100L + i);
  }

  private static Struct row(Schema row, int i, Random random) {
    return new Struct(row)
        .put("id", (long) i)
        .put("a", random.nextInt(1_000_000))
        .put("b", "row " + i + " text value " + Long.toHexString(random.nextLong()))
        .put("c", BigDecimal.valueOf(random.nextInt(100_000_000), 2))
        .put("d", new java.util.Date(1763800000000L + random.nextInt(1_000_000)))
        .put("e", random.nextBoolean());
  }

  /** The same event as a sink reads it from schemaless JSON: maps, strings, longs, doubles. */
  static Map<String, Object> eventMap(int i, Random random) {
    Map<String, Object> source = new LinkedHashMap<>();
    source.put("version", "0.1.0");
    source.put("connector", "pgcdc");
    source.put("name", "pgcdc");
    source.put("ts_ms", 1763800000000L + i);
    source.put("snapshot", null);
    source.put("db", "bench");
    source.put("schema", "public");
    source.put("table", "bench");
    source.put("txId", 1000L + i / 10);
    source.put("lsn", 0x16B3748L + i * 120L);
    source.put("commit_lsn", 0x16B3748L + i * 120L + 1000);
    source.put("unchanged_toast_columns", null);
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("before", rowMap(i, random));
    event.put("after", rowMap(i, random));
    event.put("source", source);
    event.put("op", "u");
    event.put("ts_ms", 1763800000100L + i);
    return event;
  }

  private static Map<String, Object> rowMap(int i, Random random) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", (long) i);
    row.put("a", (long) random.nextInt(1_000_000));
    row.put("b", "row " + i + " text value " + Long.toHexString(random.nextLong()));
    row.put("c", random.nextInt(100_000_000) / 100.0);
    row.put("d", 1763800000000L + random.nextInt(1_000_000));
    row.put("e", random.nextBoolean());
    return row;
  }
}
