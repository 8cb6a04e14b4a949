package dev.todokube.duration;

import java.util.Optional;

/**
 * A text that is not a duration of {@link Durations}' grammar. {@link #getMessage()} quotes the text;
 * {@link #problem()} leaves it out, for callers whose own message already shows the value.
 */
public final class DurationFormatException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;
    private static final String EXAMPLES = "e.g. 250ms, 1.5s, 90s, 1h30m";

    private final String text;
    private final String detail;

    DurationFormatException(String text, String detail) {
        super("'" + text + "' is " + problem(detail));
        this.text = text;
        this.detail = detail;
    }

    /** The text as given. */
    public String text() {
        return text;
    }

    /** Why the text is not a duration when it is more than "not in the grammar", e.g. {@code negative durations are not allowed}. */
    public Optional<String> detail() {
        return detail.isEmpty() ? Optional.empty() : Optional.of(detail);
    }

    /** What is wrong, without the text: {@code not a duration (e.g. ...)} or {@code not a duration: <why>}. */
    public String problem() {
        return problem(detail);
    }

    private static String problem(String detail) {
        return detail.isEmpty() ? "not a duration (" + EXAMPLES + ")" : "not a duration: " + detail;
    }
}
