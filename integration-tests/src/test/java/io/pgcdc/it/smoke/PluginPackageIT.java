package io.pgcdc.it.smoke;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgcdc.it.kafka.ItEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The plugin archive as the build unpacked it into target/plugins: the Confluent Hub layout, no jar
 * that the worker provides, and a service entry for every plugin class, which workers with {@code
 * plugin.discovery=service_load} need to find it.
 */
class PluginPackageIT {
  private static final List<String> PLUGIN_TYPES =
      List.of(
          "org.apache.kafka.connect.source.SourceConnector",
          "org.apache.kafka.connect.sink.SinkConnector",
          "org.apache.kafka.connect.transforms.Transformation",
          "org.apache.kafka.connect.transforms.predicates.Predicate",
          "org.apache.kafka.connect.storage.Converter",
          "org.apache.kafka.connect.storage.HeaderConverter",
          "org.apache.kafka.common.config.provider.ConfigProvider",
          "org.apache.kafka.connect.rest.ConnectRestExtension",
          "org.apache.kafka.connect.connector.policy.ConnectorClientConfigOverridePolicy");

  private final String version = ItEnvironment.projectVersion();
  private final Path plugin = ItEnvironment.pluginDir().resolve("pgcdc-connector-" + version);

  @Test
  void manifestDescribesTheSourceAndSinkOfThisVersion() throws IOException {
    JsonNode manifest = new ObjectMapper().readTree(plugin.resolve("manifest.json").toFile());

    assertThat(manifest.path("name").asText()).isEqualTo("pgcdc-connector");
    assertThat(manifest.path("version").asText()).isEqualTo(version);
    assertThat(manifest.path("title").asText()).isNotBlank();
    assertThat(manifest.path("release_date").asText()).matches("\\d{4}-\\d{2}-\\d{2}");
    assertThat(manifest.path("description").asText()).isNotBlank();
    assertThat(manifest.path("owner").path("username").asText()).isNotBlank();
    assertThat(manifest.path("license").isArray()).isTrue();
    assertThat(manifest.path("license").path(0).path("name").asText()).isNotBlank();
    List<String> types = new ArrayList<>();
    manifest.path("component_types").forEach(t -> types.add(t.asText()));
    assertThat(types).containsExactlyInAnyOrder("source", "sink", "converter");
  }

  @Test
  void libHoldsOurJarsAndTheDriverButNothingTheWorkerProvides() throws IOException {
    List<String> jars = libJars().stream().map(p -> p.getFileName().toString()).toList();

    assertThat(jars)
        .contains("pgcdc-connector-" + version + ".jar", "pgcdc-decoder-" + version + ".jar")
        .anyMatch(jar -> jar.startsWith("postgresql-"))
        // A second Kafka, Jackson or logging API in the plugin clashes with the worker's.
        .noneMatch(jar -> jar.matches("(kafka|connect|jackson|slf4j|log4j|jakarta|jersey).*"));
    assertThat(plugin.resolve("etc/pgcdc-source.json")).exists();
    assertThat(plugin.resolve("etc/pgcdc-sink.json")).exists();
    assertThat(plugin.resolve("etc/pgcdc-notify.json")).exists();
    assertThat(plugin.resolve("doc/README.md")).exists();
  }

  @Test
  void everyPluginClassHasAServiceEntryAndEveryEntryIsAPluginClass() throws Exception {
    Path connectorJar = plugin.resolve("lib/pgcdc-connector-" + version + ".jar");
    List<URL> urls = new ArrayList<>();
    for (Path jar : libJars()) {
      urls.add(jar.toUri().toURL());
    }
    try (URLClassLoader loader =
            new URLClassLoader(urls.toArray(URL[]::new), getClass().getClassLoader());
        JarFile jar = new JarFile(connectorJar.toFile())) {
      for (String type : PLUGIN_TYPES) {
        Class<?> pluginType = Class.forName(type, false, loader);
        Set<String> declared = serviceEntries(jar, type);
        Set<String> found = new TreeSet<>();
        for (JarEntry entry : Collections.list(jar.entries())) {
          String name = entry.getName();
          if (!name.endsWith(".class") || name.contains("-") || name.startsWith("META-INF/")) {
            continue;
          }
          Class<?> c =
              Class.forName(name.substring(0, name.length() - 6).replace('/', '.'), false, loader);
          if (pluginType.isAssignableFrom(c)
              && Modifier.isPublic(c.getModifiers())
              && !Modifier.isAbstract(c.getModifiers())
              && !c.isInterface()) {
            found.add(c.getName());
          }
        }
        assertThat(declared)
            .as("entries of META-INF/services/%s (expected: the %s classes in the jar)", type, type)
            .isEqualTo(found);
        for (String name : declared) {
          assertThat(Class.forName(name, false, loader).getConstructor())
              .as("public no-argument constructor of %s", name)
              .isNotNull();
        }
      }
    }
  }

  private static Set<String> serviceEntries(JarFile jar, String type) throws IOException {
    JarEntry entry = jar.getJarEntry("META-INF/services/" + type);
    Set<String> names = new TreeSet<>();
    if (entry == null) {
      return names;
    }
    try (InputStream in = jar.getInputStream(entry)) {
      new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .map(line -> line.replaceAll("#.*", "").strip())
          .filter(line -> !line.isEmpty())
          .forEach(names::add);
    }
    return names;
  }

  private List<Path> libJars() throws IOException {
    try (Stream<Path> files = Files.list(plugin.resolve("lib"))) {
      return files.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
    }
  }
}
