package io.pgcdc.connector.types;

/**
 * A value its typed field cannot hold (a numeric NaN under a Decimal schema, an infinite date, a
 * two-dimensional array...), kept as the exact text PostgreSQL printed. The record carries null in
 * the field and this text in {@code source.text_values} (a change record) or in the header {@link
 * TextValuesHeader} (a flat row of the query source); the sink reads it back from there into this
 * form and writes the text as it stands, whatever the field's schema says.
 */
public record ExactText(String text) {}
