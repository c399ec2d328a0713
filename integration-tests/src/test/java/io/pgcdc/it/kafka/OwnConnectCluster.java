package io.pgcdc.it.kafka;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a test class with {@link KafkaConnectExtension}: the class gets a broker and worker of its
 * own, started for its first test and stopped after its last, with logs in
 * target/it-logs/CLASSNAME/. For tests that kill or restart the worker or the broker, which would
 * break the test classes that share the cluster and run at the same time.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface OwnConnectCluster {
  /**
   * Worker properties ({@code name=value}) that replace the shipped ones for this class's worker,
   * e.g. {@code session.timeout.ms=6000} so that a restarted worker rejoins sooner after a kill.
   */
  String[] workerProperties() default {};

  /**
   * Test classes the worker loads as one plugin from a folder of its {@code plugin.path}
   * (connectors and config providers; see {@link TestPlugins}), e.g. a connector that holds the
   * worker's herder thread on cue.
   */
  Class<?>[] testPlugins() default {};
}
