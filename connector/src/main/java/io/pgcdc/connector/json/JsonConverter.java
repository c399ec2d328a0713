package io.pgcdc.connector.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.pgcdc.connector.common.Version;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.json.JsonConverterConfig;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.ConverterConfig;
import org.apache.kafka.connect.storage.ConverterType;
import org.apache.kafka.connect.storage.HeaderConverter;

/**
 * A drop-in replacement for Kafka's {@code org.apache.kafka.connect.json.JsonConverter}: the same
 * settings, byte-for-byte the same output from {@link #fromConnectData}, equal results from {@link
 * #toConnectData}; only faster, because it streams instead of building a JsonNode tree per record.
 *
 * <p>Writing: per schema (by identity), the schema's JSON is serialized once, by Kafka's own
 * converter, and a writer plan is compiled; a record is then {@code {"schema":<cached
 * bytes>,"payload":<streamed value>}}. Reading: the payload is parsed token by token into Connect
 * values; the schema part is looked up by its bytes and converted once, by Kafka's converter.
 *
 * <p>Whatever the fast paths do not reproduce exactly (other layouts of the envelope, big integers
 * without a schema, every error while parsing) is handed, whole, to a Kafka JsonConverter
 * configured with the same settings: its result, or its exception, is the answer. Nothing is
 * guessed.
 *
 * <p>One deliberate difference: a payload value whose JSON type does not match its schema (a string
 * for an int32, an integer out of range) is refused with a {@link SchemaMismatchException} naming
 * the field, where Kafka's converter would coerce it to 0, false or null; see {@link ValueReader}.
 */
public class JsonConverter implements Converter, HeaderConverter, Versioned {
  private static final byte[] SCHEMA_PREFIX = bytes("{\"schema\":");
  private static final byte[] PAYLOAD_PREFIX = bytes(",\"payload\":");
  private static final byte[] NULL = bytes("null");

  /** Serializes as Kafka's JsonSerializer does (a default ObjectMapper). */
  private static final ObjectWriter WRITER = new ObjectMapper().writer();

  /** Reads as Kafka's JsonConverter deserializer does. */
  private static final ObjectMapper READER =
      new ObjectMapper()
          .enable(JsonReadFeature.ALLOW_LEADING_ZEROS_FOR_NUMBERS.mappedFeature())
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

  private static final ThreadLocal<OutputBuffer> BUFFERS =
      ThreadLocal.withInitial(OutputBuffer::new);

  private final org.apache.kafka.connect.json.JsonConverter kafka =
      new org.apache.kafka.connect.json.JsonConverter();

  private JsonConverterConfig config;
  private boolean schemasEnabled;
  private boolean fixedSchema;
  private int cacheSize;
  private ValueReader reader;
  private Plan schemalessPlan;

  /** Write plans by schema identity; cleared when full (schemas.cache.size). */
  private final Map<Schema, Plan> plans = new IdentityHashMap<>();

  /** Schemas read, by the bytes of their JSON; least recently used evicted. */
  private Map<SchemaBytes, Schema> schemas = new LinkedHashMap<>();

  /**
   * How often a record was handed to Kafka's converter (schema.content set included): for tests,
   * which check that the fast paths did the work.
   */
  private final LongAdder fallbackWrites = new LongAdder();

  private long fallbackReads;

  /** The schema of the last record read, with the bytes before its payload. */
  private volatile LastSchema last;

  /** The previous record's schema, the bytes before its payload, and a fast key reader or null. */
  private record LastSchema(byte[] prefix, Schema schema, IntegerKey integerKey) {}

  /** What fromConnectData writes around the payload for one schema. */
  private record Plan(byte[] prefix, ValueWriter writer) {}

  /**
   * The schema of the last plan looked up, by identity, and its plan. The records of a table share
   * one schema object, so most look-ups end here: without the lock, for which the threads that
   * convert ahead (the snapshot's, the copy's builders) and the task thread would otherwise queue,
   * and without the deep hash of the schema that the map takes.
   */
  private record LastPlan(Schema schema, Plan plan) {}

  private volatile LastPlan lastPlan;

  @Override
  public String version() {
    return Version.VERSION;
  }

  @Override
  public ConfigDef config() {
    return JsonConverterConfig.configDef();
  }

  @Override
  public void configure(Map<String, ?> configs) {
    config = new JsonConverterConfig(configs);
    kafka.configure(configs);
    schemasEnabled = config.schemasEnabled();
    // schema.content: Kafka reads every value with that one schema; left to Kafka entirely.
    fixedSchema = config.schemaContent() != null;
    cacheSize = config.schemaCacheSize();
    reader = new ValueReader(config.replaceNullWithDefault());
    synchronized (this) {
      plans.clear();
      schemas = lruMap(cacheSize);
      schemalessPlan = null;
      last = null;
      lastPlan = null;
    }
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    Map<String, Object> conf = new HashMap<>(configs);
    conf.put(
        ConverterConfig.TYPE_CONFIG,
        isKey ? ConverterType.KEY.getName() : ConverterType.VALUE.getName());
    configure(conf);
  }

  @Override
  public void close() {
    kafka.close();
  }

  @Override
  public byte[] fromConnectHeader(String topic, String headerKey, Schema schema, Object value) {
    return fromConnectData(topic, schema, value);
  }

  @Override
  public SchemaAndValue toConnectHeader(String topic, String headerKey, byte[] value) {
    return toConnectData(topic, value);
  }

  @Override
  public byte[] fromConnectData(String topic, Schema schema, Object value) {
    if (value instanceof PreconvertedStruct p) {
      byte[] ahead = p.takeConverted(this, topic, schema);
      if (ahead != null) {
        return ahead;
      }
    }
    return convert(topic, schema, value);
  }

  /**
   * What {@link #fromConnectData} returns, computed now. Safe on several threads at once: the plans
   * are shared under a lock, the output buffers are per thread.
   */
  byte[] convert(String topic, Schema schema, Object value) {
    if (schema == null && value == null) {
      return null;
    }
    try {
      Plan plan = plan(schema);
      return write(plan, value, plan.prefix);
    } catch (Fallback f) {
      fallbackWrites.increment();
      return kafka.fromConnectData(topic, schema, value);
    }
  }

  /**
   * Bytes converted ahead, kept apart until they are handed to Connect: the schema's part, shared
   * by every record of the schema, and the record's own. A record waits between its conversion and
   * its sending (the snapshot's queue, a copied chunk waiting for its watermark); with schemas
   * embedded, the schema is most of its bytes, and holding it once per record fills the old
   * generation of the worker's heap.
   */
  record Converted(byte[] prefix, byte[] rest) {
    /** What {@link #fromConnectData} returns: the two parts joined. */
    byte[] join() {
      if (prefix.length == 0) {
        return rest;
      }
      byte[] all = Arrays.copyOf(prefix, prefix.length + rest.length);
      System.arraycopy(rest, 0, all, prefix.length, rest.length);
      return all;
    }
  }

  /** {@link #convert}, with the schema's part kept apart (see {@link Converted}). */
  Converted convertApart(String topic, Schema schema, Object value) {
    if (schema == null && value == null) {
      return null;
    }
    try {
      Plan plan = plan(schema);
      return new Converted(plan.prefix, write(plan, value, EMPTY));
    } catch (Fallback f) {
      fallbackWrites.increment();
      return new Converted(EMPTY, kafka.fromConnectData(topic, schema, value));
    }
  }

  private static final byte[] EMPTY = new byte[0];

  @Override
  public SchemaAndValue toConnectData(String topic, byte[] value) {
    if (value == null) {
      return SchemaAndValue.NULL;
    }
    if (!fixedSchema) {
      try {
        return read(value);
      } catch (SchemaMismatchException e) {
        throw e;
      } catch (IOException | RuntimeException e) {
        // Not an error of ours to report: Kafka's converter, on the same bytes, gives the
        // reference result, or the reference DataException for input that is not valid.
      }
    }
    fallbackReads++;
    SchemaAndValue kafkaResult = kafka.toConnectData(topic, value);
    if (fixedSchema || kafkaResult.schema() == null) {
      return kafkaResult;
    }
    return reread(value, kafkaResult.schema());
  }

  /**
   * A document in a layout the fast path does not take ({@code payload} before {@code schema}, say)
   * that Kafka accepted: its payload read again by our reader, which refuses what Kafka coerced.
   */
  private SchemaAndValue reread(byte[] bytes, Schema schema) {
    try (JsonParser p = READER.readTree(bytes).get("payload").traverse()) {
      p.nextToken();
      return new SchemaAndValue(schema, reader.read(p, schema));
    } catch (IOException e) {
      throw new DataException("Converting byte[] to Kafka Connect data failed: " + e, e);
    }
  }

  long fallbackWrites() {
    return fallbackWrites.sum();
  }

  long fallbackReads() {
    return fallbackReads;
  }

  /** {@code prefix} (the plan's, or none), the value's payload, and the closing brace. */
  private byte[] write(Plan plan, Object value, byte[] prefix) {
    OutputBuffer out = BUFFERS.get();
    out.reset();
    out.write(prefix, 0, prefix.length);
    boolean written = false;
    try {
      JsonGenerator g = out.generator(WRITER);
      plan.writer.write(g, value);
      g.flush();
      written = true;
    } catch (IOException e) {
      throw new DataException(
          "Converting Kafka Connect data to byte[] failed due to serialization error: ", e);
    } finally {
      if (!written) {
        out.dropGenerator();
      }
    }
    if (schemasEnabled) {
      out.write('}');
    }
    return out.toByteArray();
  }

  private Plan plan(Schema schema) {
    LastPlan recent = lastPlan;
    if (recent != null && recent.schema() == schema) {
      return recent.plan();
    }
    Plan plan = cachedPlan(schema);
    lastPlan = new LastPlan(schema, plan);
    return plan;
  }

  private Plan cachedPlan(Schema schema) {
    synchronized (this) {
      Plan plan = schema == null ? schemalessPlan : plans.get(schema);
      if (plan != null) {
        return plan;
      }
    }
    Plan plan = compile(schema);
    synchronized (this) {
      if (schema == null) {
        schemalessPlan = plan;
      } else {
        if (plans.size() >= cacheSize) {
          plans.clear();
        }
        plans.put(schema, plan);
      }
    }
    return plan;
  }

  private Plan compile(Schema schema) {
    ValueWriter writer =
        ValueWriter.compile(schema, config.replaceNullWithDefault(), config.decimalFormat());
    if (!schemasEnabled) {
      return new Plan(new byte[0], writer);
    }
    byte[] schemaJson;
    try {
      schemaJson = schema == null ? NULL : WRITER.writeValueAsBytes(kafka.asJsonSchema(schema));
    } catch (IOException e) {
      throw new DataException(
          "Converting Kafka Connect data to byte[] failed due to serialization error: ", e);
    }
    OutputBuffer prefix = new OutputBuffer();
    prefix.write(SCHEMA_PREFIX, 0, SCHEMA_PREFIX.length);
    prefix.write(schemaJson, 0, schemaJson.length);
    prefix.write(PAYLOAD_PREFIX, 0, PAYLOAD_PREFIX.length);
    return new Plan(prefix.toByteArray(), writer);
  }

  /**
   * The exact layout Kafka writes, {@code {"schema":...,"payload":...}} and nothing after it, is
   * read here; any other layout throws and is left to Kafka's converter.
   */
  private SchemaAndValue read(byte[] bytes) throws IOException {
    LastSchema last = this.last;
    if (schemasEnabled && last != null && samePrefix(bytes, last.prefix)) {
      // Records of a topic mostly repeat the previous schema: when the bytes start with the
      // same {"schema":...,"payload": and end with }, only the payload between is parsed.
      int from = last.prefix.length;
      if (last.integerKey != null) {
        Struct key = last.integerKey.read(bytes, from, bytes.length - 1);
        if (key != null) {
          return new SchemaAndValue(last.schema, key);
        }
      }
      try (JsonParser p = READER.createParser(bytes, from, bytes.length - 1 - from)) {
        if (p.nextToken() == null) {
          throw Fallback.INSTANCE;
        }
        Object value = reader.read(p, last.schema);
        return end(p, new SchemaAndValue(last.schema, value));
      }
    }
    try (JsonParser p = READER.createParser(bytes)) {
      return read(p, bytes);
    }
  }

  private static boolean samePrefix(byte[] bytes, byte[] prefix) {
    int n = prefix.length;
    return bytes.length > n
        && bytes[bytes.length - 1] == '}'
        && Arrays.equals(bytes, 0, n, prefix, 0, n);
  }

  private SchemaAndValue read(JsonParser p, byte[] bytes) throws IOException {
    if (!schemasEnabled) {
      if (p.nextToken() == null) {
        throw Fallback.INSTANCE;
      }
      Object value = reader.read(p, null);
      return end(p, new SchemaAndValue(null, value));
    }
    if (p.nextToken() != JsonToken.START_OBJECT
        || p.nextToken() != JsonToken.FIELD_NAME
        || !"schema".equals(p.currentName())) {
      throw Fallback.INSTANCE;
    }
    Schema schema = readSchema(p, bytes);
    if (p.nextToken() != JsonToken.FIELD_NAME || !"payload".equals(p.currentName())) {
      throw Fallback.INSTANCE;
    }
    p.nextToken();
    Object value = reader.read(p, schema);
    if (p.nextToken() != JsonToken.END_OBJECT) {
      throw Fallback.INSTANCE;
    }
    return end(p, new SchemaAndValue(schema, value));
  }

  private static SchemaAndValue end(JsonParser p, SchemaAndValue result) throws IOException {
    if (p.nextToken() != null) {
      throw Fallback.INSTANCE; // trailing content: Kafka ignores it, leave it to Kafka
    }
    return result;
  }

  private Schema readSchema(JsonParser p, byte[] bytes) throws IOException {
    JsonToken t = p.nextToken();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.START_OBJECT) {
      throw Fallback.INSTANCE;
    }
    int start = (int) p.currentTokenLocation().getByteOffset();
    p.skipChildren();
    int end = (int) p.currentLocation().getByteOffset();
    if (start < 0 || end <= start || end > bytes.length) {
      throw Fallback.INSTANCE;
    }
    SchemaBytes key = new SchemaBytes(Arrays.copyOfRange(bytes, start, end));
    Schema schema;
    synchronized (this) {
      schema = schemas.get(key);
    }
    if (schema == null) {
      schema = kafka.asConnectSchema(READER.readTree(key.bytes));
    }
    synchronized (this) {
      schemas.put(key, schema);
    }
    OutputBuffer prefix = new OutputBuffer();
    prefix.write(SCHEMA_PREFIX, 0, SCHEMA_PREFIX.length);
    prefix.write(key.bytes, 0, key.bytes.length);
    prefix.write(PAYLOAD_PREFIX, 0, PAYLOAD_PREFIX.length);
    last = new LastSchema(prefix.toByteArray(), schema, IntegerKey.of(schema));
    return schema;
  }

  private static <K, V> Map<K, V> lruMap(int maxEntries) {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > maxEntries;
      }
    };
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The bytes of a schema's JSON, as a map key. */
  private static final class SchemaBytes {
    final byte[] bytes;
    private final int hash;

    SchemaBytes(byte[] bytes) {
      this.bytes = bytes;
      this.hash = Arrays.hashCode(bytes);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof SchemaBytes
          && ((SchemaBytes) o).hash == hash
          && Arrays.equals(((SchemaBytes) o).bytes, bytes);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
