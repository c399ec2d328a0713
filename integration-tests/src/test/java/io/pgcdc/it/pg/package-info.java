/**
 * The PostgreSQL fixture: one server per test JVM (local binaries, binaries from Maven Central,
 * Testcontainers, or PGCDC_TEST_PG_URL), unique names per test, and servers of a test's own.
 */
package io.pgcdc.it.pg;
