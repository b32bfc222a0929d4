"""The nnstudio window: Qt widgets over the Qt-free core (``nnstudio.core``)."""
