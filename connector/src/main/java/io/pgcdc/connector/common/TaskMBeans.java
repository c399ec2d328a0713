package io.pgcdc.connector.common;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import org.apache.kafka.common.utils.Sanitizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers a task's metrics as an MBean in the platform MBean server. A restarted task replaces
 * its predecessor's MBean, never the reverse: the predecessor's late {@link #unregister} leaves the
 * new one in place.
 */
public final class TaskMBeans {
  private static final Logger log = LoggerFactory.getLogger(TaskMBeans.class);

  /** Registered MBeans by name, with the object that registered each. */
  private static final Map<ObjectName, Object> REGISTERED = new HashMap<>();

  private TaskMBeans() {}

  /**
   * {@code io.pgcdc:type=TYPE,connector=NAME,task=0}, like Connect's own task MBeans ({@code
   * kafka.connect:type=source-task-metrics,...}). Task 0: each pgcdc source runs one task.
   */
  public static ObjectName name(String type, String connector) {
    try {
      return new ObjectName(
          "io.pgcdc:type=" + type + ",connector=" + Sanitizer.jmxSanitize(connector) + ",task=0");
    } catch (JMException e) {
      throw new IllegalArgumentException("connector name " + connector + ": " + e.getMessage(), e);
    }
  }

  /** Registers {@code bean} as {@code name}, replacing whatever had that name; logs a failure. */
  public static <T> void register(ObjectName name, T bean, Class<T> type) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    synchronized (REGISTERED) {
      try {
        if (server.isRegistered(name)) {
          server.unregisterMBean(name);
        }
        server.registerMBean(new StandardMBean(bean, type, true), name);
        REGISTERED.put(name, bean);
      } catch (JMException e) {
        log.warn("Metrics of {} are not available over JMX: {}", name, e.toString());
      }
    }
  }

  /** Unregisters {@code name}, unless another object than {@code bean} registered it since. */
  public static void unregister(ObjectName name, Object bean) {
    synchronized (REGISTERED) {
      if (REGISTERED.get(name) == bean) {
        REGISTERED.remove(name);
        try {
          ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        } catch (JMException e) {
          log.debug("{} was unregistered already: {}", name, e.toString());
        }
      }
    }
  }
}
