package io.pgcdc.decoder.types;

import io.pgcdc.decoder.DecodeException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The value codecs, by type OID: turns PostgreSQL's text form (pgoutput text mode, COPY text format
 * once COPY's own escapes are undone) into Java values, and Java values back into the text form.
 * There is no binary form: decode pgoutput in text mode.
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
 *   <tr><td>text, enums</td><td>String</td></tr>
 *   <tr><td>bytea</td><td>byte[]</td></tr>
 *   <tr><td>date</td><td>LocalDate (BC as year 0 and below) or {@link PgSpecial}</td></tr>
 *   <tr><td>time, timetz</td><td>LocalTime, OffsetTime (24:00:00 is LocalTime.MAX)</td></tr>
 *   <tr><td>timestamp</td><td>LocalDateTime or {@link PgSpecial}</td></tr>
 *   <tr><td>timestamptz</td><td>OffsetDateTime in UTC or {@link PgSpecial}</td></tr>
 *   <tr><td>interval</td><td>{@link PgInterval}</td></tr>
 *   <tr><td>arrays of all of these</td><td>{@link PgArray}</td></tr>
 *   <tr><td>hstore (registered)</td><td>Map&lt;String, String&gt;</td></tr>
 *   <tr><td>the other built-in types it knows: varchar, bpchar, name, "char", json, jsonb,
 *       jsonpath, xml, uuid, bit, varbit, inet, cidr, macaddr, macaddr8, point, line, lseg, box,
 *       path, polygon, circle, tsvector, tsquery, pg_lsn, the built-in ranges and multiranges,
 *       and their arrays</td><td>String: its exact text (no codec)</td></tr>
 *   <tr><td>a type it does not know</td><td>String: its exact text</td></tr>
 * </table>
 *
 * <p>Types without a codec are still known ({@link #isKnown}): by name, and for arrays by element
 * type ({@link #elementOid}). Their values are passed on as PostgreSQL's exact text; text[]'s codec
 * splits any array literal delimited by ',' into its elements' texts (box arrays use ';').
 *
 * <p>Enums, domains, and arrays over them are not built in: register their OIDs (from the {@link
 * io.pgcdc.decoder.Type} message or {@code pg_type}) before their values arrive. Registering is
 * thread-safe; decoding may run concurrently with it.
 *
 * <p>Text forms are read as PostgreSQL writes them with the default settings DateStyle ISO and
 * IntervalStyle postgres (iso_8601 intervals are read too), and lc_monetary C or en_US for money.
 */
public final class PgTypes {

  /** OIDs below this are built in (PostgreSQL's FirstNormalObjectId). */
  private static final int FIRST_NORMAL_OID = 16384;

  /**
   * What the registry knows of a type: its name, its codec (null: its values stay their exact
   * text), and for an array type its element type (0 for any other type).
   */
  private record Known(String name, Codec codec, int elementOid) {}

  private final Known[] builtIn = new Known[FIRST_NORMAL_OID];
  private final Map<Integer, Known> registered = new ConcurrentHashMap<>();

  private PgTypes() {
    parsed(16, 1000, NumberCodecs.BOOL);
    parsed(17, 1001, TextCodecs.BYTEA);
    asText(18, 1002, "char");
    asText(19, 1003, "name");
    parsed(20, 1016, NumberCodecs.INT8);
    parsed(21, 1005, NumberCodecs.INT2);
    parsed(23, 1007, NumberCodecs.INT4);
    parsed(25, 1009, TextCodecs.TEXT);
    parsed(26, 1028, NumberCodecs.OID);
    asText(114, 199, "json");
    asText(142, 143, "xml");
    asText(600, 1017, "point");
    asText(601, 1018, "lseg");
    asText(602, 1019, "path");
    asText(603, 1020, "box");
    asText(604, 1027, "polygon");
    asText(628, 629, "line");
    asText(650, 651, "cidr");
    parsed(700, 1021, NumberCodecs.FLOAT4);
    parsed(701, 1022, NumberCodecs.FLOAT8);
    asText(718, 719, "circle");
    asText(774, 775, "macaddr8");
    parsed(790, 791, NumberCodecs.MONEY);
    asText(829, 1040, "macaddr");
    asText(869, 1041, "inet");
    asText(1042, 1014, "bpchar");
    asText(1043, 1015, "varchar");
    parsed(1082, 1182, DateTimeCodecs.DATE);
    parsed(1083, 1183, DateTimeCodecs.TIME);
    parsed(1114, 1115, DateTimeCodecs.TIMESTAMP);
    parsed(1184, 1185, DateTimeCodecs.TIMESTAMPTZ);
    parsed(1186, 1187, IntervalCodecs.INTERVAL);
    parsed(1266, 1270, DateTimeCodecs.TIMETZ);
    asText(1560, 1561, "bit");
    asText(1562, 1563, "varbit");
    parsed(1700, 1231, NumberCodecs.NUMERIC);
    asText(2950, 2951, "uuid");
    asText(3220, 3221, "pg_lsn");
    asText(3614, 3643, "tsvector");
    asText(3615, 3645, "tsquery");
    asText(3802, 3807, "jsonb");
    asText(4072, 4073, "jsonpath");
    asText(3904, 3905, "int4range");
    asText(3906, 3907, "numrange");
    asText(3908, 3909, "tsrange");
    asText(3910, 3911, "tstzrange");
    asText(3912, 3913, "daterange");
    asText(3926, 3927, "int8range");
    asText(4451, 6150, "int4multirange");
    asText(4532, 6151, "nummultirange");
    asText(4533, 6152, "tsmultirange");
    asText(4534, 6153, "tstzmultirange");
    asText(4535, 6155, "datemultirange");
    asText(4536, 6157, "int8multirange");
  }

  /** A type whose values its codec converts, and its array type. */
  private void parsed(int oid, int arrayOid, Codec codec) {
    builtIn[oid] = new Known(codec.name(), codec, 0);
    builtIn[arrayOid] = new Known(codec.name() + "[]", new ArrayCodec(codec), oid);
  }

  /** A type whose values stay their exact text, and its array type. */
  private void asText(int oid, int arrayOid, String name) {
    builtIn[oid] = new Known(name, null, 0);
    builtIn[arrayOid] = new Known(name + "[]", null, oid);
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
    return put(oid, new Known(name, new TextCodecs.StringCodec(name), 0));
  }

  /**
   * Registers the hstore extension's type (its OID differs between databases): its values are
   * {@code Map<String, String>}, NULL values included.
   *
   * @throws IllegalArgumentException for a built-in OID
   */
  public PgTypes registerHstore(int oid) {
    return put(oid, new Known("hstore", new HstoreCodec("hstore"), 0));
  }

  /**
   * Registers a domain: its values convert as its base type's do (a base type without a codec: they
   * stay their exact text).
   *
   * @throws IllegalArgumentException for a built-in OID or an unknown base type
   */
  public PgTypes registerDomain(int oid, int baseOid) {
    Known base = known(baseOid, "base type");
    return put(oid, new Known(base.name(), base.codec(), 0));
  }

  /**
   * Registers an array type over a known element type (built in or registered). Arrays over an
   * element type without a codec have none either: their values stay their exact text.
   *
   * @throws IllegalArgumentException for a built-in OID or an unknown element type
   */
  public PgTypes registerArray(int arrayOid, int elementOid) {
    Known element = known(elementOid, "element type");
    Codec codec = element.codec() == null ? null : new ArrayCodec(element.codec());
    return put(arrayOid, new Known(element.name() + "[]", codec, elementOid));
  }

  private PgTypes put(int oid, Known type) {
    if (Integer.compareUnsigned(oid, FIRST_NORMAL_OID) < 0) {
      throw new IllegalArgumentException(
          "type OID " + oid + " is built in (below 16384); only user types can be registered");
    }
    registered.put(oid, type);
    return this;
  }

  private Known known(int oid, String what) {
    Known k = lookup(oid);
    if (k == null) {
      throw new IllegalArgumentException(
          what + " OID " + Integer.toUnsignedString(oid) + " is not known; register it first");
    }
    return k;
  }

  private Known lookup(int oid) {
    if (oid >= 0 && oid < FIRST_NORMAL_OID) {
      return builtIn[oid];
    }
    return registered.get(oid);
  }

  /** The codec of a known type that has one, else null: its values stay their text. */
  private Codec codec(int oid) {
    Known k = lookup(oid);
    return k == null ? null : k.codec();
  }

  // ---- lookups and conversion ---------------------------------------------------------------

  /**
   * Whether the type is known: one of the built-in types in the table above or a registered one. A
   * known type has a name ({@link #typeName}) and, if it is an array type, an element type ({@link
   * #elementOid}); it can be the base type of a domain and the element type of an array. Its values
   * convert to the Java form in the table, which for a type without a codec is its exact text.
   */
  public boolean isKnown(int oid) {
    return lookup(oid) != null;
  }

  /**
   * The element type of an array type (built in or registered), or 0 when {@code oid} is not a
   * known array type.
   */
  public int elementOid(int oid) {
    Known k = lookup(oid);
    return k == null ? 0 : k.elementOid();
  }

  /** The type's name ({@code int4}, {@code numeric[]}, ...) or {@code "unknown type OID n"}. */
  public String typeName(int oid) {
    Known k = lookup(oid);
    return k != null ? k.name() : "unknown type OID " + Integer.toUnsignedString(oid);
  }

  /**
   * Converts a value in PostgreSQL's text form. A type without a codec, known or not, comes back as
   * the text itself.
   *
   * @throws DecodeException when the text is not a value of the type
   */
  public Object decodeText(int oid, String text) {
    Objects.requireNonNull(text, "text");
    Codec c = codec(oid);
    return c == null ? text : c.parseText(text);
  }

  /**
   * The PostgreSQL text form of a Java value of the type, as {@link #decodeText} returns it (a type
   * without a codec takes a String). Null is not a value: write NULL the way the target format does
   * ({@code \N} in COPY text format).
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
