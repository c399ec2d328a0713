package io.pgcdc.decoder.types;

/**
 * The special values that PostgreSQL types have beyond their Java form: {@code numeric} has {@code
 * NaN}, {@code Infinity} and {@code -Infinity}; {@code date}, {@code timestamp} and {@code
 * timestamptz} have {@code infinity} and {@code -infinity}. ({@code float4}/{@code float8} use
 * Java's own NaN and infinities.)
 */
public enum PgSpecial {
  /** {@code Infinity} (numeric) or {@code infinity} (date and time types). */
  INFINITY,
  /** {@code -Infinity} (numeric) or {@code -infinity} (date and time types). */
  NEGATIVE_INFINITY,
  /** {@code NaN}, numeric only. */
  NAN
}
