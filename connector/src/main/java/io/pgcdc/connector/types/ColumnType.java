package io.pgcdc.connector.types;

import io.pgcdc.decoder.DecodeException;
import io.pgcdc.decoder.types.PgArray;
import io.pgcdc.decoder.types.PgTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

/**
 * One column type as Connect sees it: its schema (with the parameter {@value #PG_TYPE_PARAMETER})
 * and the conversion of its PostgreSQL text, which the decoder's codec for the type reads (the same
 * codec for COPY text and pgoutput text). Immutable; safe to share between threads.
 */
public final class ColumnType {
  /** Schema parameter holding the column's type as PostgreSQL's format_type() prints it. */
  public static final String PG_TYPE_PARAMETER = "pgcdc.type";

  /** What a conversion returns for a value its typed field cannot hold. */
  static final Object UNHOLDABLE = new Object();

  private final String pgType;
  private final PgTypes codecs;
  private final int decodeOid;
  private final boolean passText;
  private final boolean unreadableIsText;
  private final Conversion fromJava;
  private final Function<String, Object> shortcut;
  private final Schema optionalSchema;
  private final Schema requiredSchema;

  private ColumnType(String pgType, PgTypes codecs, int decodeOid, Form form) {
    this.pgType = pgType;
    this.codecs = codecs;
    this.decodeOid = decodeOid;
    this.passText = form.passText();
    this.unreadableIsText = form.unreadableIsText();
    this.fromJava = form.fromJava();
    this.shortcut = form.shortcut();
    this.optionalSchema =
        form.shape().get().parameter(PG_TYPE_PARAMETER, pgType).optional().build();
    this.requiredSchema = form.shape().get().parameter(PG_TYPE_PARAMETER, pgType).build();
  }

  /** The decoder's Java value to the Connect value of a field of {@code schema}. */
  @FunctionalInterface
  interface Conversion {
    Object apply(Object javaValue, Schema schema);
  }

  /**
   * How a type's values convert: a schema shape, a conversion of the decoder's Java value (which
   * returns {@link #UNHOLDABLE} for a value the schema cannot hold), whether the value is the text
   * itself (no parsing), and whether text the codec cannot read is kept as exact text rather than
   * an error (money, whose text depends on the server's lc_monetary).
   */
  record Form(
      Supplier<SchemaBuilder> shape,
      Conversion fromJava,
      boolean passText,
      boolean unreadableIsText,
      Function<String, Object> shortcut) {
    static Form text(Supplier<SchemaBuilder> shape) {
      return new Form(shape, (v, s) -> v, true, false, null);
    }

    static Form parsed(Supplier<SchemaBuilder> shape, Conversion fromJava) {
      return new Form(shape, fromJava, false, false, null);
    }

    /** The same, with text the codec cannot read kept as exact text. */
    Form keepingUnreadableText() {
      return new Form(shape, fromJava, passText, true, shortcut);
    }

    /**
     * The same, with a conversion straight from the text for its common shape, which answers null
     * for any other text (then the codec reads it); it must give what the codec's way gives.
     */
    Form withShortcut(Function<String, Object> shortcut) {
      return new Form(shape, fromJava, passText, unreadableIsText, shortcut);
    }
  }

  /** A scalar type: its values are read by the codec of {@code decodeOid}. */
  static ColumnType scalar(String pgType, PgTypes codecs, int decodeOid, Form form) {
    return new ColumnType(pgType, codecs, decodeOid, form);
  }

  /** text[]: its codec splits any array literal with ',' delimiters into the elements' texts. */
  private static final int TEXT_ARRAY = 1009;

  /** box, the one built-in type whose arrays are delimited by ';'. */
  private static final int BOX = 603;

  /**
   * An array over {@code element}: a one-dimensional array with lower bound 1 is a Connect array;
   * any other is held as its text. Elements whose values are their text are split out of the
   * array's text as they stand (their codec's Java form could print differently).
   */
  static ColumnType array(String pgType, PgTypes codecs, int arrayOid, ColumnType element) {
    if (element.passText && element.decodeOid == BOX) {
      return scalar(pgType, codecs, arrayOid, Form.text(SchemaBuilder::string));
    }
    Form form =
        Form.parsed(
            () -> SchemaBuilder.array(element.optionalSchema), (v, s) -> element.list((PgArray) v));
    return new ColumnType(pgType, codecs, element.passText ? TEXT_ARRAY : arrayOid, form);
  }

  private Object list(PgArray a) {
    if (a.dimensions().size() > 1 || (a.dimensions().size() == 1 && a.lowerBounds().get(0) != 1)) {
      return UNHOLDABLE;
    }
    List<Object> out = new ArrayList<>(a.elements().size());
    for (Object e : a.elements()) {
      Object v = e == null ? null : elementValue(e);
      if (v == UNHOLDABLE) {
        return UNHOLDABLE;
      }
      out.add(v);
    }
    return out;
  }

  /** An array element, as the decoder's array codec read it, as this type's Connect value. */
  private Object elementValue(Object javaValue) {
    return passText ? javaValue : fromJava.apply(javaValue, optionalSchema);
  }

  /** The column's type as format_type() prints it. */
  public String pgType() {
    return pgType;
  }

  /** The field schema: optional for row fields, required for key fields. */
  public Schema schema(boolean optional) {
    return optional ? optionalSchema : requiredSchema;
  }

  /**
   * The Connect value of a non-null text value, for a field of the optional schema; an {@link
   * ExactText} when the typed field cannot hold it.
   *
   * @throws DataException when the text is not a value of the type
   */
  public Object value(String text) {
    if (passText) {
      return text;
    }
    if (shortcut != null) {
      Object v = shortcut.apply(text);
      if (v != null) {
        return v;
      }
    }
    Object javaValue;
    try {
      javaValue = codecs.decodeText(decodeOid, text);
    } catch (DecodeException e) {
      if (unreadableIsText) {
        return new ExactText(text);
      }
      String shown = text.length() > 64 ? text.substring(0, 64) + "..." : text;
      throw new DataException(pgType + " value '" + shown + "' is not valid: " + e.getMessage(), e);
    }
    Object v = fromJava.apply(javaValue, optionalSchema);
    return v == UNHOLDABLE ? new ExactText(text) : v;
  }

  /** A value converted by {@link #value}, for a field of the required schema (a key field). */
  public Object forKey(Object value) {
    if (value instanceof Struct s && s.schema() != requiredSchema) {
      Struct copy = new Struct(requiredSchema);
      for (Field f : requiredSchema.fields()) {
        copy.put(f, s.get(f.name()));
      }
      return copy;
    }
    return value;
  }
}
