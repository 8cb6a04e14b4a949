package dev.todokube.bgkube.deploy;

import java.util.Locale;

/** The two colors a service alternates between. */
public enum Color {
    BLUE,
    GREEN;

    public Color other() {
        return this == BLUE ? GREEN : BLUE;
    }

    /** The value of the COLOR template variable. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
