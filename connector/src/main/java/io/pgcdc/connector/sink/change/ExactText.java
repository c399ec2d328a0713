package io.pgcdc.connector.sink.change;

/**
 * A column value that the producer sent as its exact PostgreSQL text because its typed field could
 * not hold it (our source's {@code source.text_values}: numeric NaN, infinite dates, a 2-D array,
 * ...). Written as that text, whatever the field's schema says: the text is the value.
 *
 * @param text the value as PostgreSQL prints it
 */
public record ExactText(String text) {}
