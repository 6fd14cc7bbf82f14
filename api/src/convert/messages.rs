//! Direct messages between the domain and the wire.

use entraide_domain::message::MessagesFrom;
use entraide_openapi::messages as wire;

enum_conversions!(
    messages_from_to_wire,
    messages_from_from_wire,
    MessagesFrom,
    wire::MessagesFrom,
    [Everyone, SharedGroup, Nobody]
);
