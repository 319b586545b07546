"""Every limit and knob of the server, in one place: environment variables prefixed LERNMI_."""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Read from the environment (e.g. LERNMI_MAX_SESSIONS=100); overridable in tests."""

    model_config = SettingsConfigDict(env_prefix="LERNMI_")

    max_sessions: int = Field(200, ge=1)  # sessions per process, connected and parked together
    max_hidden_layers: int = Field(6, ge=0, le=16)  # TF Playground's limit
    max_neurons: int = Field(8, ge=1, le=64)  # neurons per hidden layer, TF's limit
    max_points: int = Field(2000, ge=10, le=100_000)  # data points in one session
    max_fps: float = Field(60.0, gt=0, le=120)  # frames per second sent to one client
    max_epochs_per_frame: int = Field(1000, ge=1)  # the highest numeric speed a client may ask
    max_message_bytes: int = Field(512 * 1024, ge=1024)  # one client message (a snapshot is big)
    max_upload_bytes: int = Field(256 * 1024, ge=1024)  # a CSV file sent to POST /api/data
    idle_timeout_s: float = Field(900.0, gt=0)  # seconds without a client message before closing
    resume_grace_s: float = Field(120.0, ge=0)  # seconds a dropped session waits for its client
    snapshot_interval_s: float = Field(5.0, gt=0)  # how often a playing session sends a snapshot
    bad_message_limit: int = Field(20, ge=1)  # bad messages within bad_message_window_s → close
    bad_message_window_s: float = Field(10.0, gt=0)
    messages_per_s: float = Field(200.0, gt=0)  # one connection's messages, on average …
    messages_burst: int = Field(400, ge=1)  # … and at once; past it the socket is closed (1008)
    connections_per_address: int = Field(30, ge=1)  # new sockets from one client address …
    connections_window_s: float = Field(10.0, gt=0)  # … within this; past it: 1013, retry later
    # Origins (scheme://host[:port]) whose pages may open the WebSocket, besides the server's
    # own; "*" allows any. Clients that send no Origin (not browsers) are always allowed.
    allowed_origins: list[str] = Field(default_factory=list)
    # Who may show the page in a frame (Content-Security-Policy frame-ancestors): "*" lets any
    # blog embed it; "'self'" forbids other sites.
    frame_ancestors: str = "*"
    blas_threads: int = Field(1, ge=1, le=64)  # see docs/performance.md: 1 is fastest here
    train_threads: int = Field(2, ge=1, le=64)  # sessions training at once in one process
