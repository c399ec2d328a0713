package io.pgcdc.connector.types;

import io.pgcdc.connector.types.ColumnType.Form;
import io.pgcdc.connector.types.ValueOptions.ValueMode;
import io.pgcdc.decoder.types.PgTypes;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.SchemaBuilder;

/**
 * Resolves a column's type (OID and format_type() text) to its {@link ColumnType} under the value
 * options: built-in types from the decoder's knowledge; enums, domains and arrays over them from
 * the catalog, registered with the decoder's codecs so that their values can be read. Thread-safe.
 */
public final class TypeResolver {
  /** OIDs below this are built in (PostgreSQL's FirstNormalObjectId). */
  private static final int FIRST_NORMAL_OID = 16384;

  private final ValueOptions options;
  private final PgTypes codecs = PgTypes.builtIn();
  private final Map<Integer, UserType> userTypes = new HashMap<>();
  private final Map<String, ColumnType> resolved = new HashMap<>();

  /** A user type as the catalog describes it; elementOid is 0 unless it is an array type. */
  record UserType(
      char kind, int baseOid, String baseFormat, int elementOid, String name, List<String> labels) {
    boolean isArray() {
      return elementOid != 0;
    }

    /** The hstore extension's type (a base type of that name, in whatever schema). */
    boolean isHstore() {
      return kind == 'b' && name.equals("hstore");
    }
  }

  public TypeResolver(ValueOptions options) {
    this.options = options;
  }

  public ValueOptions options() {
    return options;
  }

  /**
   * The type of a column of type {@code oid}, which format_type() prints as {@code format}; {@code
   * c} reads the catalog for types that are not built in.
   */
  public synchronized ColumnType forColumn(Connection c, int oid, String format)
      throws SQLException {
    String key = Integer.toUnsignedString(oid) + ' ' + format;
    ColumnType t = resolved.get(key);
    if (t == null) {
      t =
          options.valueMode() == ValueMode.TEXT
              ? ColumnType.scalar(format, codecs, oid, textForm(oid))
              : typed(c, oid, format, format);
      resolved.put(key, t);
    }
    return t;
  }

  /**
   * The type of a column of a built-in type, which needs no catalog.
   *
   * @throws IllegalArgumentException for a type that is not built in
   */
  public ColumnType forBuiltIn(int oid, String format) {
    if (isUserType(oid)) {
      throw new IllegalArgumentException(
          "type OID " + Integer.toUnsignedString(oid) + " is not built in");
    }
    try {
      return forColumn(null, oid, format);
    } catch (SQLException e) {
      throw new IllegalStateException("a built-in type needs no catalog", e);
    }
  }

  /** Text mode: the handful of types with an exact Connect counterpart, every other one as text. */
  private static Form textForm(int oid) {
    return switch (oid) {
      case 16 -> Form.parsed(SchemaBuilder::bool, (v, s) -> v);
      case 21 -> Form.parsed(SchemaBuilder::int16, (v, s) -> v);
      case 23 -> Form.parsed(SchemaBuilder::int32, (v, s) -> v);
      case 20 -> Form.parsed(SchemaBuilder::int64, (v, s) -> v);
      case 17 -> Form.parsed(SchemaBuilder::bytes, (v, s) -> v);
      default -> Form.text(SchemaBuilder::string);
    };
  }

  /**
   * Typed mode. {@code format} is the column's own type text (its {@code pgcdc.type}); {@code
   * baseFormat} the text of the type that holds the values (a domain's base type), which gives the
   * precision.
   */
  private ColumnType typed(Connection c, int oid, String format, String baseFormat)
      throws SQLException {
    if (isUserType(oid)) {
      UserType u = userType(c, oid);
      if (u.kind() == 'd') {
        return typed(c, u.baseOid(), format, u.baseFormat());
      }
      if (u.kind() == 'e') {
        register(c, oid);
        return ColumnType.scalar(format, codecs, oid, TypedForms.enumeration(u.labels()));
      }
      if (u.isHstore()) {
        register(c, oid);
        return ColumnType.scalar(format, codecs, oid, TypedForms.hstore(options.hstores()));
      }
      if (!u.isArray() || !register(c, oid)) {
        return ColumnType.scalar(format, codecs, oid, Form.text(SchemaBuilder::string));
      }
      return ColumnType.array(
          format,
          codecs,
          oid,
          typed(c, u.elementOid(), elementFormat(format), elementFormat(baseFormat)));
    }
    int element = codecs.elementOid(oid);
    if (element != 0) {
      return ColumnType.array(
          format, codecs, oid, typed(c, element, elementFormat(format), elementFormat(baseFormat)));
    }
    return ColumnType.scalar(format, codecs, oid, TypedForms.builtIn(oid, baseFormat, options));
  }

  private static String elementFormat(String arrayFormat) {
    return arrayFormat.endsWith("[]")
        ? arrayFormat.substring(0, arrayFormat.length() - 2)
        : arrayFormat;
  }

  private static boolean isUserType(int oid) {
    return Integer.compareUnsigned(oid, FIRST_NORMAL_OID) >= 0;
  }

  /**
   * Makes the decoder's codecs able to read values of {@code oid}: enums, domains and arrays over
   * readable types. False for a type they cannot read (composite and extension types), whose values
   * stay their text.
   */
  private boolean register(Connection c, int oid) throws SQLException {
    if (codecs.isKnown(oid)) {
      return true;
    }
    if (!isUserType(oid)) {
      return false;
    }
    UserType u = userType(c, oid);
    if (u.kind() == 'e') {
      codecs.registerEnum(oid, u.name());
      return true;
    }
    if (u.isHstore()) {
      codecs.registerHstore(oid);
      return true;
    }
    if (u.kind() == 'd' && register(c, u.baseOid())) {
      codecs.registerDomain(oid, u.baseOid());
      return true;
    }
    if (u.isArray() && register(c, u.elementOid())) {
      codecs.registerArray(oid, u.elementOid());
      return true;
    }
    return false;
  }

  private UserType userType(Connection c, int oid) throws SQLException {
    UserType u = userTypes.get(oid);
    if (u == null) {
      u = readUserType(c, oid);
      userTypes.put(oid, u);
    }
    return u;
  }

  private static UserType readUserType(Connection c, int oid) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT t.typtype, t.typbasetype, format_type(t.typbasetype, t.typtypmod),"
                + " CASE WHEN t.typlen = -1 THEN t.typelem ELSE 0 END, t.typname,"
                + " (SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder)"
                + " FROM pg_enum e WHERE e.enumtypid = t.oid)"
                + " FROM pg_type t WHERE t.oid = ?::oid")) {
      ps.setLong(1, Integer.toUnsignedLong(oid));
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          // Dropped since the column was described: its values stay their text.
          return new UserType('?', 0, null, 0, "unknown type", List.of());
        }
        Array labels = rs.getArray(6);
        return new UserType(
            rs.getString(1).charAt(0),
            (int) rs.getLong(2),
            rs.getString(3),
            (int) rs.getLong(4),
            rs.getString(5),
            labels == null ? List.of() : Arrays.asList((String[]) labels.getArray()));
      }
    }
  }
}
