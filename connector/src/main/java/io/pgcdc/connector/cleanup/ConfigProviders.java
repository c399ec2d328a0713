package io.pgcdc.connector.cleanup;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigTransformer;
import org.apache.kafka.common.config.provider.ConfigProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's config providers ({@code config.providers}), so that a connector config read from
 * the cluster, where secrets stay as {@code ${provider:path:key}}, can be resolved as the worker
 * resolves it for the connector.
 */
final class ConfigProviders implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConfigProviders.class);
  private static final String PREFIX = "config.providers";

  private final Map<String, ConfigProvider> providers;

  private ConfigProviders(Map<String, ConfigProvider> providers) {
    this.providers = providers;
  }

  /**
   * Instantiates and configures the providers named in the worker config. One that cannot be loaded
   * or configured is left out, with a warning: settings that use it stay unresolved.
   */
  static ConfigProviders fromWorkerConfig(Map<String, ?> worker) {
    Map<String, ConfigProvider> providers = new LinkedHashMap<>();
    for (String name : names(worker)) {
      Object className = worker.get(PREFIX + "." + name + ".class");
      if (className == null) {
        log.warn("Config provider {} has no {}.{}.class: not used for cleanup", name, PREFIX, name);
        continue;
      }
      try {
        ConfigProvider provider =
            Class.forName(className.toString().trim(), true, ConfigProviders.class.getClassLoader())
                .asSubclass(ConfigProvider.class)
                .getDeclaredConstructor()
                .newInstance();
        provider.configure(params(worker, PREFIX + "." + name + ".param."));
        providers.put(name, provider);
      } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
        log.warn(
            "Config provider {} ({}) cannot be used by the pgcdc cleanup extension: connection"
                + " settings of the form ${{}:...} stay unresolved, so the slot of a connector that"
                + " uses them cannot be dropped on delete ({})",
            name,
            className,
            name,
            e.toString());
      }
    }
    return new ConfigProviders(providers);
  }

  /**
   * The providers' names: {@code config.providers}, or, as the worker hands its settings to a REST
   * extension without that key, each NAME of a {@code config.providers.NAME.class}.
   */
  private static Set<String> names(Map<String, ?> worker) {
    Set<String> names = new LinkedHashSet<>();
    Object list = worker.get(PREFIX);
    if (list != null) {
      for (String name : list.toString().split(",")) {
        if (!name.isBlank()) {
          names.add(name.trim());
        }
      }
      return names;
    }
    for (String key : worker.keySet()) {
      if (key.startsWith(PREFIX + ".") && key.endsWith(".class")) {
        String name = key.substring(PREFIX.length() + 1, key.length() - ".class".length());
        if (!name.isEmpty() && !name.contains(".")) {
          names.add(name);
        }
      }
    }
    return names;
  }

  private static Map<String, Object> params(Map<String, ?> worker, String prefix) {
    Map<String, Object> params = new LinkedHashMap<>();
    worker.forEach(
        (key, value) -> {
          if (key.startsWith(prefix)) {
            params.put(key.substring(prefix.length()), value);
          }
        });
    return params;
  }

  /** The config with every {@code ${provider:path:key}} of a known provider replaced. */
  Map<String, String> resolve(Map<String, String> config) {
    if (providers.isEmpty()
        || config.values().stream().noneMatch(v -> v != null && v.contains("${"))) {
      return config;
    }
    return new ConfigTransformer(providers).transform(config).data();
  }

  @Override
  public void close() {
    for (Map.Entry<String, ConfigProvider> e : providers.entrySet()) {
      try {
        e.getValue().close();
      } catch (java.io.IOException | RuntimeException ex) {
        log.debug("Closing config provider {} failed: {}", e.getKey(), ex.toString());
      }
    }
  }
}
