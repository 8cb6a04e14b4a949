package dev.todokube.experiment;

/** A problem the user can fix (a missing jar, a port in use, a child that failed): shown as one line. */
public final class ExperimentException extends RuntimeException {

    public ExperimentException(String message) {
        super(message);
    }
}
