/**
 * A test plugin that holds a worker's herder thread on cue, so that a test can make the worker
 * unable to answer the cleanup extension's reads at one exact point of a request. Loaded by the
 * worker from its own plugin folder (see {@code OwnConnectCluster#testPlugins}); uses Kafka's API
 * and the JDK only, and signals through files in a folder that test and worker share.
 */
package io.pgcdc.it.cleanup.gate;
