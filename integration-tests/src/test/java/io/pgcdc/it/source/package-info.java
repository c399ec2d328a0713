/**
 * The CDC source on a real worker: record format, snapshot (consistency, resume, conversion on the
 * reading threads), exactly once, restarts without loss, heartbeats, metrics, validation and SSL;
 * and the source benchmark.
 */
package io.pgcdc.it.source;
