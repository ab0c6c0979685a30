package dev.imgcast.session.model;

public enum Role {
    MASTER,
    CLIENT,
    /** No role given on the command line: waits, and may still become the master (key m). */
    NONE
}
