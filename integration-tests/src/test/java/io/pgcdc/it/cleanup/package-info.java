/**
 * Cleanup on delete on a real worker: the REST extension drops a deleted source's slot and
 * publication, and keeps them on pause, restarts, rebalances, when another connector reads them,
 * and when it cannot tell whether one does (the worker's herder held by the test plugin in {@code
 * gate}).
 */
package io.pgcdc.it.cleanup;
