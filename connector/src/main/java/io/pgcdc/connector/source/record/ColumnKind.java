package io.pgcdc.connector.source.record;

import io.pgcdc.decoder.DecodeException;
import io.pgcdc.decoder.types.PgTypes;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.errors.DataException;

/**
 * How a column's PostgreSQL text form becomes a Connect value: the handful of types with an exact
 * Connect counterpart are parsed; every other type travels as the text PostgreSQL printed, which
 * PostgreSQL accepts back as input for the same type (the sink casts it), so nothing is lost.
 *
 * <p>{@code real} and {@code double precision} are text too: Kafka's JSON converter turns NaN and
 * Infinity into 0.0, and PostgreSQL prints floats in their shortest exact form anyway.
 */
public enum ColumnKind {
  BOOLEAN(Schema.Type.BOOLEAN, 16),
  INT16(Schema.Type.INT16, 21),
  INT32(Schema.Type.INT32, 23),
  INT64(Schema.Type.INT64, 20),
  BYTES(Schema.Type.BYTES, 17),
  TEXT(Schema.Type.STRING, 25);

  /** Schema parameter holding the column's type as PostgreSQL's format_type() prints it. */
  static final String PG_TYPE_PARAMETER = "pgcdc.type";

  /** The decoder's codecs: Boolean, Short, Integer, Long and byte[] for the typed kinds. */
  private static final PgTypes CODECS = PgTypes.builtIn();

  private final Schema.Type connectType;
  private final int oid;

  ColumnKind(Schema.Type connectType, int oid) {
    this.connectType = connectType;
    this.oid = oid;
  }

  public static ColumnKind forOid(int typeOid) {
    return switch (typeOid) {
      case 16 -> BOOLEAN;
      case 21 -> INT16;
      case 23 -> INT32;
      case 20 -> INT64;
      case 17 -> BYTES;
      default -> TEXT;
    };
  }

  Schema schema(String pgType, boolean optional) {
    SchemaBuilder b = new SchemaBuilder(connectType).parameter(PG_TYPE_PARAMETER, pgType);
    return optional ? b.optional().build() : b.build();
  }

  /**
   * Converts the text form with the decoder's codec for the type (the same codec for COPY text and
   * pgoutput text); text columns pass PostgreSQL's own text through.
   */
  Object fromString(String text) {
    if (this == TEXT) {
      return text;
    }
    try {
      return CODECS.decodeText(oid, text);
    } catch (DecodeException e) {
      String shown = text.length() > 64 ? text.substring(0, 64) + "..." : text;
      throw new DataException(
          CODECS.typeName(oid) + " value '" + shown + "' is not valid: " + e.getMessage(), e);
    }
  }
}
