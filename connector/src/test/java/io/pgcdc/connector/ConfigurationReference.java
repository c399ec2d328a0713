package io.pgcdc.connector;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;

/** Renders the configuration reference (docs/configuration.md) from the connectors' ConfigDefs. */
final class ConfigurationReference {
  private ConfigurationReference() {}

  /** One connector's part of the reference. */
  record Section(String title, String connectorClass, ConfigDef def) {}

  static String render(List<Section> sections) {
    StringBuilder out = new StringBuilder();
    out.append("# Configuration reference\n\n")
        .append("Generated from the connectors' `ConfigDef`s by `ConfigurationReferenceTest`;")
        .append(" do not edit by hand. Regenerate with\n")
        .append("`mvn -pl connector test -Dtest=ConfigurationReferenceTest")
        .append(" -Dpgcdc.docs.update=true`.\n\n")
        .append("Settings of type `password` are never logged and are masked in the REST API's")
        .append(" validation responses. Kafka Connect returns every other answer's config as it")
        .append(" was submitted (`POST /connectors`, `GET /connectors/NAME`, `.../config`,")
        .append(" `.../tasks`): give secrets as config provider references, e.g.")
        .append(" `${env:PGCDC_POSTGRES_PASSWORD}`, which stay references there")
        .append(" ([operations.md](operations.md#secrets)).\n\n");
    for (Section s : sections) {
      section(out, s.title(), s.connectorClass(), s.def());
    }
    return out.toString();
  }

  private static void section(StringBuilder out, String title, String clazz, ConfigDef def) {
    out.append("## ").append(title).append("\n\n");
    out.append("`connector.class`: `").append(clazz).append("`\n\n");
    Map<String, List<ConfigKey>> groups = new LinkedHashMap<>();
    for (ConfigKey key : ordered(def)) {
      groups
          .computeIfAbsent(key.group == null ? "Other" : key.group, g -> new ArrayList<>())
          .add(key);
    }
    for (Map.Entry<String, List<ConfigKey>> group : groups.entrySet()) {
      out.append("### ").append(title.split(" ")[0]).append(": ").append(group.getKey());
      out.append("\n\n| Setting | Type | Default | Valid values | Importance | Description |\n");
      out.append("| --- | --- | --- | --- | --- | --- |\n");
      for (ConfigKey key : group.getValue()) {
        out.append("| `")
            .append(key.name)
            .append("` | ")
            .append(key.type.name().toLowerCase(java.util.Locale.ROOT))
            .append(" | ")
            .append(defaultText(key))
            .append(" | ")
            // A lambda validator prints a JVM-specific name: nothing to show, and never stable.
            .append(
                cell(
                    key.validator == null || key.validator.getClass().isSynthetic()
                        ? ""
                        : key.validator.toString()))
            .append(" | ")
            .append(key.importance.name().toLowerCase(java.util.Locale.ROOT))
            .append(" | ")
            .append(cell(key.documentation))
            .append(" |\n");
      }
      out.append('\n');
    }
  }

  /** In the order a user meets them: by group, then by their order within the group. */
  private static List<ConfigKey> ordered(ConfigDef def) {
    List<String> groupOrder = def.groups();
    List<ConfigKey> keys = new ArrayList<>(def.configKeys().values());
    keys.sort(
        java.util.Comparator.comparingInt(
                (ConfigKey k) -> k.group == null ? Integer.MAX_VALUE : groupOrder.indexOf(k.group))
            .thenComparingInt(k -> k.orderInGroup)
            .thenComparing(k -> k.name));
    return keys;
  }

  private static String defaultText(ConfigKey key) {
    if (!key.hasDefault()) {
      return "required";
    }
    if (key.defaultValue == null) {
      return "none";
    }
    String text = ConfigDef.convertToString(key.defaultValue, key.type);
    return text.isEmpty() ? "\"\"" : "`" + cell(text) + "`";
  }

  private static String cell(String text) {
    return text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
  }
}
