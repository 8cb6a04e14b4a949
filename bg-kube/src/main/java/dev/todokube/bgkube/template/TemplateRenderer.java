package dev.todokube.bgkube.template;

import dev.todokube.bgkube.ConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Substitutes {@code $VAR} and {@code ${VAR}} in a template. A name is the longest run of
 * letters, digits and underscores, so {@code $SERVICE} never matches the front of
 * {@code $SERVICE_NAME}; {@code $$} writes one {@code $}; a {@code $} followed by anything else
 * (e.g. Kubernetes' own {@code $(POD_NAME)}) is kept as it is. Unlike envsubst, a variable with no
 * value is an error: every such use is reported with its file and line.
 */
public final class TemplateRenderer {

    private TemplateRenderer() {}

    public static String render(Template template, Map<String, String> variables) {
        String text = template.text();
        StringBuilder out = new StringBuilder(text.length());
        List<String> problems = new ArrayList<>();
        int line = 1;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\n') {
                line++;
            }
            if (c != '$' || i + 1 >= text.length()) {
                out.append(c);
                i++;
                continue;
            }
            char next = text.charAt(i + 1);
            if (next == '$') {
                out.append('$');
                i += 2;
            } else if (next == '{') {
                int close = text.indexOf('}', i + 2);
                int newline = text.indexOf('\n', i + 2);
                if (close < 0 || (newline >= 0 && newline < close)) {
                    problems.add("line " + line + ": unterminated ${ (write $$ for a literal $)");
                    out.append(c);
                    i++;
                    continue;
                }
                String name = text.substring(i + 2, close);
                if (!isIdentifier(name)) {
                    problems.add("line " + line + ": invalid variable name ${" + name + "}");
                } else {
                    substitute(name, variables, line, out, problems);
                }
                i = close + 1;
            } else if (isIdentifierStart(next)) {
                int end = i + 1;
                while (end < text.length() && isIdentifierPart(text.charAt(end))) {
                    end++;
                }
                substitute(text.substring(i + 1, end), variables, line, out, problems);
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(
                    "template " + template.source() + ": " + String.join("; ", problems));
        }
        return out.toString();
    }

    private static void substitute(
            String name, Map<String, String> variables, int line, StringBuilder out, List<String> problems) {
        String value = variables.get(name);
        if (value == null) {
            problems.add("line " + line + ": variable " + name + " has no value");
        } else {
            out.append(value);
        }
    }

    private static boolean isIdentifier(String name) {
        if (name.isEmpty() || !isIdentifierStart(name.charAt(0))) {
            return false;
        }
        return name.chars().allMatch(ch -> isIdentifierPart((char) ch));
    }

    private static boolean isIdentifierStart(char c) {
        return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }

    private static boolean isIdentifierPart(char c) {
        return isIdentifierStart(c) || (c >= '0' && c <= '9');
    }
}
