package io.pgcdc.decoder.types;

import io.pgcdc.decoder.DecodeException;
import io.pgcdc.decoder.TupleValue;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The value codecs, by type OID: turns PostgreSQL's text form (pgoutput text mode, COPY text format
 * once COPY's own escapes are undone) and binary form (pgoutput {@code binary} option) into Java
 * values, and Java values back into the text form.
 *
 * <p>Java forms of the built-in types:
 *
 * <table>
 *   <caption>Java values</caption>
 *   <tr><th>PostgreSQL</th><th>Java</th></tr>
 *   <tr><td>bool</td><td>Boolean</td></tr>
 *   <tr><td>int2, int4, int8</td><td>Short, Integer, Long</td></tr>
 *   <tr><td>oid</td><td>Long (unsigned 32 bits)</td></tr>
 *   <tr><td>float4, float8</td><td>Float, Double (NaN and infinities included)</td></tr>
 *   <tr><td>numeric</td><td>BigDecimal with the value's scale, or {@link PgSpecial}</td></tr>
 *   <tr><td>money</td><td>BigDecimal with scale 2</td></tr>
 *   <tr><td>text, varchar, bpchar, name, "char", json, jsonb, jsonpath, xml, tsvector, tsquery,
 *       enums</td><td>String (bpchar keeps its padding)</td></tr>
 *   <tr><td>bytea</td><td>byte[]</td></tr>
 *   <tr><td>uuid</td><td>UUID</td></tr>
 *   <tr><td>date</td><td>LocalDate (BC as year 0 and below) or {@link PgSpecial}</td></tr>
 *   <tr><td>time, timetz</td><td>LocalTime, OffsetTime (24:00:00 is LocalTime.MAX)</td></tr>
 *   <tr><td>timestamp</td><td>LocalDateTime or {@link PgSpecial}</td></tr>
 *   <tr><td>timestamptz</td><td>OffsetDateTime in UTC or {@link PgSpecial}</td></tr>
 *   <tr><td>interval</td><td>{@link PgInterval}</td></tr>
 *   <tr><td>bit, varbit</td><td>{@link PgBitString}</td></tr>
 *   <tr><td>inet, cidr</td><td>{@link PgInet}</td></tr>
 *   <tr><td>macaddr, macaddr8</td><td>{@link PgMacAddr}</td></tr>
 *   <tr><td>point, line, lseg, box, path, polygon, circle</td><td>{@link PgGeometry}</td></tr>
 *   <tr><td>pg_lsn</td><td>{@link io.pgcdc.decoder.Lsn}</td></tr>
 *   <tr><td>ranges, multiranges</td><td>{@link PgRange}, {@link PgMultirange}</td></tr>
 *   <tr><td>arrays of all of these</td><td>{@link PgArray}</td></tr>
 *   <tr><td>hstore (registered)</td><td>Map&lt;String, String&gt;</td></tr>
 *   <tr><td>a type it does not know</td><td>String: its exact text</td></tr>
 * </table>
 *
 * <p>Enums, domains, and arrays, ranges and multiranges over them are not built in: register their
 * OIDs (from the {@link io.pgcdc.decoder.Type} message or {@code pg_type}) before their values
 * arrive. Registering is thread-safe; decoding may run concurrently with it.
 *
 * <p>Text forms are read as PostgreSQL writes them with the default settings DateStyle ISO and
 * IntervalStyle postgres (iso_8601 intervals are read too), and lc_monetary C or en_US for money.
 */
public final class PgTypes {

  /** OIDs below this are built in (PostgreSQL's FirstNormalObjectId). */
  private static final int FIRST_NORMAL_OID = 16384;

  private final Codec[] builtIn = new Codec[FIRST_NORMAL_OID];
  private final int[] builtInElements = new int[FIRST_NORMAL_OID];
  private final Map<Integer, Codec> registered = new ConcurrentHashMap<>();
  private final Map<Integer, Integer> registeredElements = new ConcurrentHashMap<>();

  private PgTypes() {
    scalar(16, 1000, NumberCodecs.BOOL);
    scalar(17, 1001, TextCodecs.BYTEA);
    scalar(18, 1002, TextCodecs.CHAR);
    scalar(19, 1003, TextCodecs.NAME);
    scalar(20, 1016, NumberCodecs.INT8);
    scalar(21, 1005, NumberCodecs.INT2);
    scalar(23, 1007, NumberCodecs.INT4);
    scalar(25, 1009, TextCodecs.TEXT);
    scalar(26, 1028, NumberCodecs.OID);
    scalar(114, 199, TextCodecs.JSON);
    scalar(142, 143, TextCodecs.XML);
    scalar(600, 1017, GeometryCodecs.POINT);
    scalar(601, 1018, GeometryCodecs.LSEG);
    scalar(602, 1019, GeometryCodecs.PATH);
    scalar(603, 1020, GeometryCodecs.BOX);
    scalar(604, 1027, GeometryCodecs.POLYGON);
    scalar(628, 629, GeometryCodecs.LINE);
    scalar(650, 651, NetworkCodecs.CIDR);
    scalar(700, 1021, NumberCodecs.FLOAT4);
    scalar(701, 1022, NumberCodecs.FLOAT8);
    scalar(718, 719, GeometryCodecs.CIRCLE);
    scalar(774, 775, NetworkCodecs.MACADDR8);
    scalar(790, 791, NumberCodecs.MONEY);
    scalar(829, 1040, NetworkCodecs.MACADDR);
    scalar(869, 1041, NetworkCodecs.INET);
    scalar(1042, 1014, TextCodecs.BPCHAR);
    scalar(1043, 1015, TextCodecs.VARCHAR);
    scalar(1082, 1182, DateTimeCodecs.DATE);
    scalar(1083, 1183, DateTimeCodecs.TIME);
    scalar(1114, 1115, DateTimeCodecs.TIMESTAMP);
    scalar(1184, 1185, DateTimeCodecs.TIMESTAMPTZ);
    scalar(1186, 1187, IntervalCodecs.INTERVAL);
    scalar(1266, 1270, DateTimeCodecs.TIMETZ);
    scalar(1560, 1561, TextCodecs.BIT);
    scalar(1562, 1563, TextCodecs.VARBIT);
    scalar(1700, 1231, NumberCodecs.NUMERIC);
    scalar(2950, 2951, TextCodecs.UUID_CODEC);
    scalar(3220, 3221, TextCodecs.PG_LSN);
    scalar(3614, 3643, TextSearchCodecs.TSVECTOR);
    scalar(3615, 3645, TextSearchCodecs.TSQUERY);
    scalar(3802, 3807, TextCodecs.JSONB);
    scalar(4072, 4073, TextCodecs.JSONPATH);
    range(3904, 3905, 4451, 6150, "int4range", 23);
    range(3906, 3907, 4532, 6151, "numrange", 1700);
    range(3908, 3909, 4533, 6152, "tsrange", 1114);
    range(3910, 3911, 4534, 6153, "tstzrange", 1184);
    range(3912, 3913, 4535, 6155, "daterange", 1082);
    range(3926, 3927, 4536, 6157, "int8range", 20);
  }

  private void scalar(int oid, int arrayOid, Codec codec) {
    builtIn[oid] = codec;
    builtIn[arrayOid] = new ArrayCodec(codec);
    builtInElements[arrayOid] = oid;
  }

  private void range(int oid, int arrayOid, int multiOid, int multiArrayOid, String name, int sub) {
    RangeCodec range = new RangeCodec(name, builtIn[sub]);
    scalar(oid, arrayOid, range);
    scalar(
        multiOid, multiArrayOid, new RangeCodec.Multi(name.replace("range", "multirange"), range));
  }

  /** A registry that knows PostgreSQL's built-in types and nothing else yet. */
  public static PgTypes builtIn() {
    return new PgTypes();
  }

  // ---- registration -------------------------------------------------------------------------

  /**
   * Registers an enum type: its values are their labels, as String.
   *
   * @throws IllegalArgumentException for a built-in OID
   */
  public PgTypes registerEnum(int oid, String name) {
    return put(oid, new TextCodecs.StringCodec(name));
  }

  /**
   * Registers the hstore extension's type (its OID differs between databases): its values are
   * {@code Map<String, String>}, NULL values included.
   *
   * @throws IllegalArgumentException for a built-in OID
   */
  public PgTypes registerHstore(int oid) {
    return put(oid, new HstoreCodec("hstore"));
  }

  /**
   * Registers a domain: its values convert as its base type's do.
   *
   * @throws IllegalArgumentException for a built-in OID or an unknown base type
   */
  public PgTypes registerDomain(int oid, int baseOid) {
    return put(oid, known(baseOid, "base type"));
  }

  /**
   * Registers an array type over a known element type (built in or registered).
   *
   * @throws IllegalArgumentException for a built-in OID or an unknown element type
   */
  public PgTypes registerArray(int arrayOid, int elementOid) {
    put(arrayOid, new ArrayCodec(known(elementOid, "element type")));
    registeredElements.put(arrayOid, elementOid);
    return this;
  }

  /**
   * Registers a range type over a known subtype.
   *
   * @throws IllegalArgumentException for a built-in OID or an unknown subtype
   */
  public PgTypes registerRange(int rangeOid, String name, int subtypeOid) {
    return put(rangeOid, new RangeCodec(name, known(subtypeOid, "subtype")));
  }

  /**
   * Registers a multirange type over a registered or built-in range type.
   *
   * @throws IllegalArgumentException for a built-in OID or when rangeOid is not a range type
   */
  public PgTypes registerMultirange(int multirangeOid, String name, int rangeOid) {
    if (!(known(rangeOid, "range type") instanceof RangeCodec range)) {
      throw new IllegalArgumentException(
          "multirange " + name + ": type OID " + rangeOid + " is not a range type");
    }
    return put(multirangeOid, new RangeCodec.Multi(name, range));
  }

  private PgTypes put(int oid, Codec codec) {
    if (Integer.compareUnsigned(oid, FIRST_NORMAL_OID) < 0) {
      throw new IllegalArgumentException(
          "type OID " + oid + " is built in (below 16384); only user types can be registered");
    }
    registered.put(oid, codec);
    return this;
  }

  private Codec known(int oid, String what) {
    Codec c = codec(oid);
    if (c == null) {
      throw new IllegalArgumentException(
          what + " OID " + Integer.toUnsignedString(oid) + " is not known; register it first");
    }
    return c;
  }

  private Codec codec(int oid) {
    if (oid >= 0 && oid < FIRST_NORMAL_OID) {
      return builtIn[oid];
    }
    return registered.get(oid);
  }

  // ---- lookups and conversion ---------------------------------------------------------------

  /** Whether values of this type convert to a Java form other than their text. */
  public boolean isKnown(int oid) {
    return codec(oid) != null;
  }

  /**
   * The element type of an array type (built in or registered), or 0 when {@code oid} is not a
   * known array type.
   */
  public int elementOid(int oid) {
    if (oid >= 0 && oid < FIRST_NORMAL_OID) {
      return builtInElements[oid];
    }
    return registeredElements.getOrDefault(oid, 0);
  }

  /** The type's name ({@code int4}, {@code numeric[]}, ...) or {@code "unknown type OID n"}. */
  public String typeName(int oid) {
    Codec c = codec(oid);
    return c != null ? c.name() : "unknown type OID " + Integer.toUnsignedString(oid);
  }

  /**
   * Converts a value in PostgreSQL's text form. A type it does not know comes back as the text
   * itself.
   *
   * @throws DecodeException when the text is not a value of the type
   */
  public Object decodeText(int oid, String text) {
    Objects.requireNonNull(text, "text");
    Codec c = codec(oid);
    return c == null ? text : c.parseText(text);
  }

  /**
   * Converts a value in the type's binary send/receive form, every byte from the buffer's position
   * to its limit. The buffer's position and limit are left as they were.
   *
   * @throws DecodeException when the bytes are not a value of the type, or the type is unknown (an
   *     unknown type's binary form cannot be read; decode with pgoutput text mode)
   */
  public Object decodeBinary(int oid, ByteBuffer bytes) {
    Codec c = codec(oid);
    if (c == null) {
      throw new DecodeException(
          typeName(oid)
              + ": expected a type with a binary codec, got none; register the type or use"
              + " pgoutput text mode");
    }
    ByteBuffer b = bytes.slice();
    try {
      return c.readBinary(b);
    } catch (java.nio.BufferUnderflowException | IndexOutOfBoundsException e) {
      // Every read is length-checked; this names the type should a check ever be missing.
      throw new DecodeException(c.name() + ": expected more bytes, got " + bytes.remaining(), e);
    }
  }

  /**
   * Converts one tuple column: null for {@code 'n'}, the text or binary form converted.
   *
   * @throws IllegalArgumentException for an unchanged TOAST value, which has no data: the column
   *     keeps its previous value, which the caller must take from elsewhere
   * @throws DecodeException when the data is not a value of the type
   */
  public Object decode(int oid, TupleValue value) {
    if (value instanceof TupleValue.Text t) {
      return decodeText(oid, t.text());
    }
    if (value instanceof TupleValue.Binary b) {
      return decodeBinary(oid, b.buffer());
    }
    if (value instanceof TupleValue.Null) {
      return null;
    }
    throw new IllegalArgumentException(
        typeName(oid) + ": an unchanged TOAST value has no data; keep the column's previous value");
  }

  /**
   * The PostgreSQL text form of a Java value of the type, as {@link #decodeText} returns it (a type
   * it does not know takes a String). Null is not a value: write NULL the way the target format
   * does ({@code \N} in COPY text format).
   *
   * @throws IllegalArgumentException when the value is not of the type's Java form
   */
  public String encodeText(int oid, Object value) {
    Objects.requireNonNull(value, "value");
    Codec c = codec(oid);
    if (c == null) {
      if (value instanceof String s) {
        return s;
      }
      throw Codec.wrongClass(typeName(oid), value, "String");
    }
    return c.formatText(value);
  }
}
