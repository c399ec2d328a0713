package io.pgcdc.decoder.types;

/**
 * An {@code interval}, kept as PostgreSQL keeps it: months, days and microseconds are separate
 * fields, because a month has no fixed number of days and a day no fixed number of seconds (across
 * a daylight-saving change). Never collapsed into one duration.
 *
 * @param months whole months (12 to a year)
 * @param days whole days
 * @param micros the time part in microseconds
 */
public record PgInterval(int months, int days, long micros) {}
