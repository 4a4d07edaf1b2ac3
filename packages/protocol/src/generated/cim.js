/*eslint-disable block-scoped-var, id-length, no-control-regex, no-magic-numbers, no-prototype-builtins, no-redeclare, no-shadow, no-var, sort-vars*/
import $protobuf from "protobufjs/minimal.js";

// Common aliases
const $Reader = $protobuf.Reader, $Writer = $protobuf.Writer, $util = $protobuf.util;

// Exported root namespace
const $root = $protobuf.roots["default"] || ($protobuf.roots["default"] = {});

export const cim = $root.cim = (() => {

    /**
     * Namespace cim.
     * @exports cim
     * @namespace
     */
    const cim = {};

    cim.Frame = (function() {

        /**
         * Properties of a Frame.
         * @memberof cim
         * @interface IFrame
         * @property {cim.ILogin|null} [login] Frame login
         * @property {cim.ILoginAck|null} [loginAck] Frame loginAck
         * @property {cim.IError|null} [error] Frame error
         * @property {cim.IPing|null} [ping] Frame ping
         * @property {cim.IPong|null} [pong] Frame pong
         * @property {cim.ISend|null} [send] Frame send
         * @property {cim.ISendAck|null} [sendAck] Frame sendAck
         * @property {cim.IMessage|null} [message] Frame message
         * @property {cim.IDelivered|null} [delivered] Frame delivered
         * @property {cim.IPresence|null} [presence] Frame presence
         * @property {cim.IMessageBatch|null} [messageBatch] Frame messageBatch
         * @property {cim.IPresenceBatch|null} [presenceBatch] Frame presenceBatch
         * @property {cim.IRead|null} [read] Frame read
         * @property {cim.IRoomEvent|null} [roomEvent] Frame roomEvent
         * @property {cim.IPresenceSubscribe|null} [presenceSubscribe] Frame presenceSubscribe
         * @property {cim.ITyping|null} [typing] Frame typing
         * @property {cim.IBlockEvent|null} [blockEvent] Frame blockEvent
         * @property {cim.ITypingSubscribe|null} [typingSubscribe] Frame typingSubscribe
         */

        /**
         * Constructs a new Frame.
         * @memberof cim
         * @classdesc Represents a Frame.
         * @implements IFrame
         * @constructor
         * @param {cim.IFrame=} [properties] Properties to set
         */
        function Frame(properties) {
            if (properties)
                for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        /**
         * Frame login.
         * @member {cim.ILogin|null|undefined} login
         * @memberof cim.Frame
         * @instance
         */
        Frame.prototype.login = null;

        /**
         * Frame loginAck.
         * @member {cim.ILoginAck|null|undefined} loginAck
         * @memberof cim.Frame
         * @instance
         */
        Frame.prototype.loginAck = null;

        /**
         * Frame error.
         * @member {cim.IError|null|undefined} error
         * @memberof cim.Frame
         * @instance
         */
        Frame.prototype.error = null;

        /**
         * Frame ping.
         * @member {cim.IPing|null|undefined} ping
         * @memberof cim.Frame
         * @instance
         */
        Frame.prototype.ping = null;

        /**
         * Frame pong.
         * @member {cim.IPong|null|undefined} pong
         * @memberof cim.Frame
         * @instance
         */
        Frame.prototype.pong = null;

        /**
         * Frame send.
         * @member {cim.ISend|null|undefined} send
         * @memberof cim.Frame
         * @instance
         */
        Frame.prototype.send = null;

        /**
         * Frame sendAck.
         * @member {cim.ISendAck|null|undefined} sendAck
         * @memberof cim.Frame
         * @instance
         */
        Frame.prototype.sendAck = null;

        /**
         * Frame message.
         * @member {cim.IMessage|null|undefined} message
         * @memberof cim.Frame
         * @instance
         */
        Frame.prototype.message = null;

        /**
         * Frame delivered.
         * @member {cim.IDelivered|null|undefined} delivered
         * @memberof cim.Frame
         * @instance
         */
        Frame.prototype.delivered = null;

        /**
         * Frame presence.
         * @member {cim.IPresence|null|undefined} presence
         * @memberof cim.Frame
         * @instance
         */
        Frame.prototype.presence = null;

        /**
         * Frame messageBatch.
         * @member {cim.IMessageBatch|null|undefined} messageBatch
         * @memberof cim.Frame
         * @instance
         */
        Frame.prototype.messageBatch = null;

        /**
         * Frame presenceBatch.
         * @member {cim.IPresenceBatch|null|undefined} presenceBatch
         * @memberof cim.Frame
         * @instance
         */
        Frame.prototype.presenceBatch = null;

        /**
         * Frame read.
         * @member {cim.IRead|null|undefined} read
         * @memberof cim.Frame
         * @instance
         */
        Frame.prototype.read = null;

        /**
         * Frame roomEvent.
         * @member {cim.IRoomEvent|null|undefined} roomEvent
         * @memberof cim.Frame
         * @instance
         */
        Frame.prototype.roomEvent = null;

        /**
         * Frame presenceSubscribe.
         * @member {cim.IPresenceSubscribe|null|undefined} presenceSubscribe
         * @memberof cim.Frame
         * @instance
         */
        Frame.prototype.presenceSubscribe = null;

        /**
         * Frame typing.
         * @member {cim.ITyping|null|undefined} typing
         * @memberof cim.Frame
         * @instance
         */
        Frame.prototype.typing = null;

        /**
         * Frame blockEvent.
         * @member {cim.IBlockEvent|null|undefined} blockEvent
         * @memberof cim.Frame
         * @instance
         */
        Frame.prototype.blockEvent = null;

        /**
         * Frame typingSubscribe.
         * @member {cim.ITypingSubscribe|null|undefined} typingSubscribe
         * @memberof cim.Frame
         * @instance
         */
        Frame.prototype.typingSubscribe = null;

        // OneOf field names bound to virtual getters and setters
        let $oneOfFields;

        /**
         * Frame body.
         * @member {"login"|"loginAck"|"error"|"ping"|"pong"|"send"|"sendAck"|"message"|"delivered"|"presence"|"messageBatch"|"presenceBatch"|"read"|"roomEvent"|"presenceSubscribe"|"typing"|"blockEvent"|"typingSubscribe"|undefined} body
         * @memberof cim.Frame
         * @instance
         */
        Object.defineProperty(Frame.prototype, "body", {
            get: $util.oneOfGetter($oneOfFields = ["login", "loginAck", "error", "ping", "pong", "send", "sendAck", "message", "delivered", "presence", "messageBatch", "presenceBatch", "read", "roomEvent", "presenceSubscribe", "typing", "blockEvent", "typingSubscribe"]),
            set: $util.oneOfSetter($oneOfFields)
        });

        /**
         * Creates a new Frame instance using the specified properties.
         * @function create
         * @memberof cim.Frame
         * @static
         * @param {cim.IFrame=} [properties] Properties to set
         * @returns {cim.Frame} Frame instance
         */
        Frame.create = function create(properties) {
            return new Frame(properties);
        };

        /**
         * Encodes the specified Frame message. Does not implicitly {@link cim.Frame.verify|verify} messages.
         * @function encode
         * @memberof cim.Frame
         * @static
         * @param {cim.IFrame} message Frame message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Frame.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.login != null && Object.hasOwnProperty.call(message, "login"))
                $root.cim.Login.encode(message.login, writer.uint32(/* id 1, wireType 2 =*/10).fork(), q + 1).ldelim();
            if (message.loginAck != null && Object.hasOwnProperty.call(message, "loginAck"))
                $root.cim.LoginAck.encode(message.loginAck, writer.uint32(/* id 2, wireType 2 =*/18).fork(), q + 1).ldelim();
            if (message.error != null && Object.hasOwnProperty.call(message, "error"))
                $root.cim.Error.encode(message.error, writer.uint32(/* id 3, wireType 2 =*/26).fork(), q + 1).ldelim();
            if (message.ping != null && Object.hasOwnProperty.call(message, "ping"))
                $root.cim.Ping.encode(message.ping, writer.uint32(/* id 4, wireType 2 =*/34).fork(), q + 1).ldelim();
            if (message.pong != null && Object.hasOwnProperty.call(message, "pong"))
                $root.cim.Pong.encode(message.pong, writer.uint32(/* id 5, wireType 2 =*/42).fork(), q + 1).ldelim();
            if (message.send != null && Object.hasOwnProperty.call(message, "send"))
                $root.cim.Send.encode(message.send, writer.uint32(/* id 6, wireType 2 =*/50).fork(), q + 1).ldelim();
            if (message.sendAck != null && Object.hasOwnProperty.call(message, "sendAck"))
                $root.cim.SendAck.encode(message.sendAck, writer.uint32(/* id 7, wireType 2 =*/58).fork(), q + 1).ldelim();
            if (message.message != null && Object.hasOwnProperty.call(message, "message"))
                $root.cim.Message.encode(message.message, writer.uint32(/* id 8, wireType 2 =*/66).fork(), q + 1).ldelim();
            if (message.delivered != null && Object.hasOwnProperty.call(message, "delivered"))
                $root.cim.Delivered.encode(message.delivered, writer.uint32(/* id 9, wireType 2 =*/74).fork(), q + 1).ldelim();
            if (message.presence != null && Object.hasOwnProperty.call(message, "presence"))
                $root.cim.Presence.encode(message.presence, writer.uint32(/* id 10, wireType 2 =*/82).fork(), q + 1).ldelim();
            if (message.messageBatch != null && Object.hasOwnProperty.call(message, "messageBatch"))
                $root.cim.MessageBatch.encode(message.messageBatch, writer.uint32(/* id 11, wireType 2 =*/90).fork(), q + 1).ldelim();
            if (message.presenceBatch != null && Object.hasOwnProperty.call(message, "presenceBatch"))
                $root.cim.PresenceBatch.encode(message.presenceBatch, writer.uint32(/* id 12, wireType 2 =*/98).fork(), q + 1).ldelim();
            if (message.read != null && Object.hasOwnProperty.call(message, "read"))
                $root.cim.Read.encode(message.read, writer.uint32(/* id 13, wireType 2 =*/106).fork(), q + 1).ldelim();
            if (message.roomEvent != null && Object.hasOwnProperty.call(message, "roomEvent"))
                $root.cim.RoomEvent.encode(message.roomEvent, writer.uint32(/* id 14, wireType 2 =*/114).fork(), q + 1).ldelim();
            if (message.presenceSubscribe != null && Object.hasOwnProperty.call(message, "presenceSubscribe"))
                $root.cim.PresenceSubscribe.encode(message.presenceSubscribe, writer.uint32(/* id 15, wireType 2 =*/122).fork(), q + 1).ldelim();
            if (message.typing != null && Object.hasOwnProperty.call(message, "typing"))
                $root.cim.Typing.encode(message.typing, writer.uint32(/* id 16, wireType 2 =*/130).fork(), q + 1).ldelim();
            if (message.blockEvent != null && Object.hasOwnProperty.call(message, "blockEvent"))
                $root.cim.BlockEvent.encode(message.blockEvent, writer.uint32(/* id 17, wireType 2 =*/138).fork(), q + 1).ldelim();
            if (message.typingSubscribe != null && Object.hasOwnProperty.call(message, "typingSubscribe"))
                $root.cim.TypingSubscribe.encode(message.typingSubscribe, writer.uint32(/* id 18, wireType 2 =*/146).fork(), q + 1).ldelim();
            return writer;
        };

        /**
         * Decodes a Frame message from the specified reader or buffer.
         * @function decode
         * @memberof cim.Frame
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {cim.Frame} Frame
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Frame.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            let end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.cim.Frame();
            while (reader.pos < end) {
                let tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.login = $root.cim.Login.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 2: {
                        message.loginAck = $root.cim.LoginAck.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 3: {
                        message.error = $root.cim.Error.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 4: {
                        message.ping = $root.cim.Ping.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 5: {
                        message.pong = $root.cim.Pong.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 6: {
                        message.send = $root.cim.Send.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 7: {
                        message.sendAck = $root.cim.SendAck.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 8: {
                        message.message = $root.cim.Message.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 9: {
                        message.delivered = $root.cim.Delivered.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 10: {
                        message.presence = $root.cim.Presence.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 11: {
                        message.messageBatch = $root.cim.MessageBatch.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 12: {
                        message.presenceBatch = $root.cim.PresenceBatch.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 13: {
                        message.read = $root.cim.Read.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 14: {
                        message.roomEvent = $root.cim.RoomEvent.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 15: {
                        message.presenceSubscribe = $root.cim.PresenceSubscribe.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 16: {
                        message.typing = $root.cim.Typing.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 17: {
                        message.blockEvent = $root.cim.BlockEvent.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                case 18: {
                        message.typingSubscribe = $root.cim.TypingSubscribe.decode(reader, reader.uint32(), undefined, long + 1);
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        /**
         * Creates a Frame message from a plain object. Also converts values to their respective internal types.
         * @function fromObject
         * @memberof cim.Frame
         * @static
         * @param {Object.<string,*>} object Plain object
         * @returns {cim.Frame} Frame
         */
        Frame.fromObject = function fromObject(object, long) {
            if (object instanceof $root.cim.Frame)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".cim.Frame: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            let message = new $root.cim.Frame();
            if (object.login != null) {
                if (!$util.isObject(object.login))
                    throw TypeError(".cim.Frame.login: object expected");
                message.login = $root.cim.Login.fromObject(object.login, long + 1);
            }
            if (object.loginAck != null) {
                if (!$util.isObject(object.loginAck))
                    throw TypeError(".cim.Frame.loginAck: object expected");
                message.loginAck = $root.cim.LoginAck.fromObject(object.loginAck, long + 1);
            }
            if (object.error != null) {
                if (!$util.isObject(object.error))
                    throw TypeError(".cim.Frame.error: object expected");
                message.error = $root.cim.Error.fromObject(object.error, long + 1);
            }
            if (object.ping != null) {
                if (!$util.isObject(object.ping))
                    throw TypeError(".cim.Frame.ping: object expected");
                message.ping = $root.cim.Ping.fromObject(object.ping, long + 1);
            }
            if (object.pong != null) {
                if (!$util.isObject(object.pong))
                    throw TypeError(".cim.Frame.pong: object expected");
                message.pong = $root.cim.Pong.fromObject(object.pong, long + 1);
            }
            if (object.send != null) {
                if (!$util.isObject(object.send))
                    throw TypeError(".cim.Frame.send: object expected");
                message.send = $root.cim.Send.fromObject(object.send, long + 1);
            }
            if (object.sendAck != null) {
                if (!$util.isObject(object.sendAck))
                    throw TypeError(".cim.Frame.sendAck: object expected");
                message.sendAck = $root.cim.SendAck.fromObject(object.sendAck, long + 1);
            }
            if (object.message != null) {
                if (!$util.isObject(object.message))
                    throw TypeError(".cim.Frame.message: object expected");
                message.message = $root.cim.Message.fromObject(object.message, long + 1);
            }
            if (object.delivered != null) {
                if (!$util.isObject(object.delivered))
                    throw TypeError(".cim.Frame.delivered: object expected");
                message.delivered = $root.cim.Delivered.fromObject(object.delivered, long + 1);
            }
            if (object.presence != null) {
                if (!$util.isObject(object.presence))
                    throw TypeError(".cim.Frame.presence: object expected");
                message.presence = $root.cim.Presence.fromObject(object.presence, long + 1);
            }
            if (object.messageBatch != null) {
                if (!$util.isObject(object.messageBatch))
                    throw TypeError(".cim.Frame.messageBatch: object expected");
                message.messageBatch = $root.cim.MessageBatch.fromObject(object.messageBatch, long + 1);
            }
            if (object.presenceBatch != null) {
                if (!$util.isObject(object.presenceBatch))
                    throw TypeError(".cim.Frame.presenceBatch: object expected");
                message.presenceBatch = $root.cim.PresenceBatch.fromObject(object.presenceBatch, long + 1);
            }
            if (object.read != null) {
                if (!$util.isObject(object.read))
                    throw TypeError(".cim.Frame.read: object expected");
                message.read = $root.cim.Read.fromObject(object.read, long + 1);
            }
            if (object.roomEvent != null) {
                if (!$util.isObject(object.roomEvent))
                    throw TypeError(".cim.Frame.roomEvent: object expected");
                message.roomEvent = $root.cim.RoomEvent.fromObject(object.roomEvent, long + 1);
            }
            if (object.presenceSubscribe != null) {
                if (!$util.isObject(object.presenceSubscribe))
                    throw TypeError(".cim.Frame.presenceSubscribe: object expected");
                message.presenceSubscribe = $root.cim.PresenceSubscribe.fromObject(object.presenceSubscribe, long + 1);
            }
            if (object.typing != null) {
                if (!$util.isObject(object.typing))
                    throw TypeError(".cim.Frame.typing: object expected");
                message.typing = $root.cim.Typing.fromObject(object.typing, long + 1);
            }
            if (object.blockEvent != null) {
                if (!$util.isObject(object.blockEvent))
                    throw TypeError(".cim.Frame.blockEvent: object expected");
                message.blockEvent = $root.cim.BlockEvent.fromObject(object.blockEvent, long + 1);
            }
            if (object.typingSubscribe != null) {
                if (!$util.isObject(object.typingSubscribe))
                    throw TypeError(".cim.Frame.typingSubscribe: object expected");
                message.typingSubscribe = $root.cim.TypingSubscribe.fromObject(object.typingSubscribe, long + 1);
            }
            return message;
        };

        /**
         * Creates a plain object from a Frame message. Also converts values to other types if specified.
         * @function toObject
         * @memberof cim.Frame
         * @static
         * @param {cim.Frame} message Frame
         * @param {$protobuf.IConversionOptions} [options] Conversion options
         * @returns {Object.<string,*>} Plain object
         */
        Frame.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            let object = {};
            if (message.login != null && Object.hasOwnProperty.call(message, "login")) {
                object.login = $root.cim.Login.toObject(message.login, options, q + 1);
                if (options.oneofs)
                    object.body = "login";
            }
            if (message.loginAck != null && Object.hasOwnProperty.call(message, "loginAck")) {
                object.loginAck = $root.cim.LoginAck.toObject(message.loginAck, options, q + 1);
                if (options.oneofs)
                    object.body = "loginAck";
            }
            if (message.error != null && Object.hasOwnProperty.call(message, "error")) {
                object.error = $root.cim.Error.toObject(message.error, options, q + 1);
                if (options.oneofs)
                    object.body = "error";
            }
            if (message.ping != null && Object.hasOwnProperty.call(message, "ping")) {
                object.ping = $root.cim.Ping.toObject(message.ping, options, q + 1);
                if (options.oneofs)
                    object.body = "ping";
            }
            if (message.pong != null && Object.hasOwnProperty.call(message, "pong")) {
                object.pong = $root.cim.Pong.toObject(message.pong, options, q + 1);
                if (options.oneofs)
                    object.body = "pong";
            }
            if (message.send != null && Object.hasOwnProperty.call(message, "send")) {
                object.send = $root.cim.Send.toObject(message.send, options, q + 1);
                if (options.oneofs)
                    object.body = "send";
            }
            if (message.sendAck != null && Object.hasOwnProperty.call(message, "sendAck")) {
                object.sendAck = $root.cim.SendAck.toObject(message.sendAck, options, q + 1);
                if (options.oneofs)
                    object.body = "sendAck";
            }
            if (message.message != null && Object.hasOwnProperty.call(message, "message")) {
                object.message = $root.cim.Message.toObject(message.message, options, q + 1);
                if (options.oneofs)
                    object.body = "message";
            }
            if (message.delivered != null && Object.hasOwnProperty.call(message, "delivered")) {
                object.delivered = $root.cim.Delivered.toObject(message.delivered, options, q + 1);
                if (options.oneofs)
                    object.body = "delivered";
            }
            if (message.presence != null && Object.hasOwnProperty.call(message, "presence")) {
                object.presence = $root.cim.Presence.toObject(message.presence, options, q + 1);
                if (options.oneofs)
                    object.body = "presence";
            }
            if (message.messageBatch != null && Object.hasOwnProperty.call(message, "messageBatch")) {
                object.messageBatch = $root.cim.MessageBatch.toObject(message.messageBatch, options, q + 1);
                if (options.oneofs)
                    object.body = "messageBatch";
            }
            if (message.presenceBatch != null && Object.hasOwnProperty.call(message, "presenceBatch")) {
                object.presenceBatch = $root.cim.PresenceBatch.toObject(message.presenceBatch, options, q + 1);
                if (options.oneofs)
                    object.body = "presenceBatch";
            }
            if (message.read != null && Object.hasOwnProperty.call(message, "read")) {
                object.read = $root.cim.Read.toObject(message.read, options, q + 1);
                if (options.oneofs)
                    object.body = "read";
            }
            if (message.roomEvent != null && Object.hasOwnProperty.call(message, "roomEvent")) {
                object.roomEvent = $root.cim.RoomEvent.toObject(message.roomEvent, options, q + 1);
                if (options.oneofs)
                    object.body = "roomEvent";
            }
            if (message.presenceSubscribe != null && Object.hasOwnProperty.call(message, "presenceSubscribe")) {
                object.presenceSubscribe = $root.cim.PresenceSubscribe.toObject(message.presenceSubscribe, options, q + 1);
                if (options.oneofs)
                    object.body = "presenceSubscribe";
            }
            if (message.typing != null && Object.hasOwnProperty.call(message, "typing")) {
                object.typing = $root.cim.Typing.toObject(message.typing, options, q + 1);
                if (options.oneofs)
                    object.body = "typing";
            }
            if (message.blockEvent != null && Object.hasOwnProperty.call(message, "blockEvent")) {
                object.blockEvent = $root.cim.BlockEvent.toObject(message.blockEvent, options, q + 1);
                if (options.oneofs)
                    object.body = "blockEvent";
            }
            if (message.typingSubscribe != null && Object.hasOwnProperty.call(message, "typingSubscribe")) {
                object.typingSubscribe = $root.cim.TypingSubscribe.toObject(message.typingSubscribe, options, q + 1);
                if (options.oneofs)
                    object.body = "typingSubscribe";
            }
            return object;
        };

        /**
         * Converts this Frame to JSON.
         * @function toJSON
         * @memberof cim.Frame
         * @instance
         * @returns {Object.<string,*>} JSON object
         */
        Frame.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        /**
         * Gets the default type url for Frame
         * @function getTypeUrl
         * @memberof cim.Frame
         * @static
         * @param {string} [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
         * @returns {string} The default type url
         */
        Frame.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
            if (typeUrlPrefix === undefined) {
                typeUrlPrefix = "type.googleapis.com";
            }
            return typeUrlPrefix + "/cim.Frame";
        };

        return Frame;
    })();

    cim.Login = (function() {

        /**
         * Properties of a Login.
         * @memberof cim
         * @interface ILogin
         * @property {string|null} [token] Login token
         * @property {string|null} [groupAfter] Login groupAfter
         * @property {string|null} [inboxAfter] Login inboxAfter
         * @property {Array.<cim.IRoomCursor>|null} [rooms] Login rooms
         * @property {boolean|null} [messageBatches] Login messageBatches
         */

        /**
         * Constructs a new Login.
         * @memberof cim
         * @classdesc Represents a Login.
         * @implements ILogin
         * @constructor
         * @param {cim.ILogin=} [properties] Properties to set
         */
        function Login(properties) {
            this.rooms = [];
            if (properties)
                for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        /**
         * Login token.
         * @member {string} token
         * @memberof cim.Login
         * @instance
         */
        Login.prototype.token = "";

        /**
         * Login groupAfter.
         * @member {string} groupAfter
         * @memberof cim.Login
         * @instance
         */
        Login.prototype.groupAfter = "";

        /**
         * Login inboxAfter.
         * @member {string} inboxAfter
         * @memberof cim.Login
         * @instance
         */
        Login.prototype.inboxAfter = "";

        /**
         * Login rooms.
         * @member {Array.<cim.IRoomCursor>} rooms
         * @memberof cim.Login
         * @instance
         */
        Login.prototype.rooms = $util.emptyArray;

        /**
         * Login messageBatches.
         * @member {boolean} messageBatches
         * @memberof cim.Login
         * @instance
         */
        Login.prototype.messageBatches = false;

        /**
         * Creates a new Login instance using the specified properties.
         * @function create
         * @memberof cim.Login
         * @static
         * @param {cim.ILogin=} [properties] Properties to set
         * @returns {cim.Login} Login instance
         */
        Login.create = function create(properties) {
            return new Login(properties);
        };

        /**
         * Encodes the specified Login message. Does not implicitly {@link cim.Login.verify|verify} messages.
         * @function encode
         * @memberof cim.Login
         * @static
         * @param {cim.ILogin} message Login message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Login.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.token != null && Object.hasOwnProperty.call(message, "token"))
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.token);
            if (message.groupAfter != null && Object.hasOwnProperty.call(message, "groupAfter"))
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.groupAfter);
            if (message.inboxAfter != null && Object.hasOwnProperty.call(message, "inboxAfter"))
                writer.uint32(/* id 3, wireType 2 =*/26).string(message.inboxAfter);
            if (message.rooms != null && message.rooms.length)
                for (let i = 0; i < message.rooms.length; ++i)
                    $root.cim.RoomCursor.encode(message.rooms[i], writer.uint32(/* id 4, wireType 2 =*/34).fork(), q + 1).ldelim();
            if (message.messageBatches != null && Object.hasOwnProperty.call(message, "messageBatches"))
                writer.uint32(/* id 5, wireType 0 =*/40).bool(message.messageBatches);
            return writer;
        };

        /**
         * Decodes a Login message from the specified reader or buffer.
         * @function decode
         * @memberof cim.Login
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {cim.Login} Login
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Login.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            let end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.cim.Login();
            while (reader.pos < end) {
                let tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.token = reader.string();
                        break;
                    }
                case 2: {
                        message.groupAfter = reader.string();
                        break;
                    }
                case 3: {
                        message.inboxAfter = reader.string();
                        break;
                    }
                case 4: {
                        if (!(message.rooms && message.rooms.length))
                            message.rooms = [];
                        message.rooms.push($root.cim.RoomCursor.decode(reader, reader.uint32(), undefined, long + 1));
                        break;
                    }
                case 5: {
                        message.messageBatches = reader.bool();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        /**
         * Creates a Login message from a plain object. Also converts values to their respective internal types.
         * @function fromObject
         * @memberof cim.Login
         * @static
         * @param {Object.<string,*>} object Plain object
         * @returns {cim.Login} Login
         */
        Login.fromObject = function fromObject(object, long) {
            if (object instanceof $root.cim.Login)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".cim.Login: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            let message = new $root.cim.Login();
            if (object.token != null)
                message.token = String(object.token);
            if (object.groupAfter != null)
                message.groupAfter = String(object.groupAfter);
            if (object.inboxAfter != null)
                message.inboxAfter = String(object.inboxAfter);
            if (object.rooms) {
                if (!Array.isArray(object.rooms))
                    throw TypeError(".cim.Login.rooms: array expected");
                message.rooms = [];
                for (let i = 0; i < object.rooms.length; ++i) {
                    if (!$util.isObject(object.rooms[i]))
                        throw TypeError(".cim.Login.rooms: object expected");
                    message.rooms[i] = $root.cim.RoomCursor.fromObject(object.rooms[i], long + 1);
                }
            }
            if (object.messageBatches != null)
                message.messageBatches = Boolean(object.messageBatches);
            return message;
        };

        /**
         * Creates a plain object from a Login message. Also converts values to other types if specified.
         * @function toObject
         * @memberof cim.Login
         * @static
         * @param {cim.Login} message Login
         * @param {$protobuf.IConversionOptions} [options] Conversion options
         * @returns {Object.<string,*>} Plain object
         */
        Login.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            let object = {};
            if (options.arrays || options.defaults)
                object.rooms = [];
            if (options.defaults) {
                object.token = "";
                object.groupAfter = "";
                object.inboxAfter = "";
                object.messageBatches = false;
            }
            if (message.token != null && Object.hasOwnProperty.call(message, "token"))
                object.token = message.token;
            if (message.groupAfter != null && Object.hasOwnProperty.call(message, "groupAfter"))
                object.groupAfter = message.groupAfter;
            if (message.inboxAfter != null && Object.hasOwnProperty.call(message, "inboxAfter"))
                object.inboxAfter = message.inboxAfter;
            if (message.rooms && message.rooms.length) {
                object.rooms = [];
                for (let j = 0; j < message.rooms.length; ++j)
                    object.rooms[j] = $root.cim.RoomCursor.toObject(message.rooms[j], options, q + 1);
            }
            if (message.messageBatches != null && Object.hasOwnProperty.call(message, "messageBatches"))
                object.messageBatches = message.messageBatches;
            return object;
        };

        /**
         * Converts this Login to JSON.
         * @function toJSON
         * @memberof cim.Login
         * @instance
         * @returns {Object.<string,*>} JSON object
         */
        Login.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        /**
         * Gets the default type url for Login
         * @function getTypeUrl
         * @memberof cim.Login
         * @static
         * @param {string} [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
         * @returns {string} The default type url
         */
        Login.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
            if (typeUrlPrefix === undefined) {
                typeUrlPrefix = "type.googleapis.com";
            }
            return typeUrlPrefix + "/cim.Login";
        };

        return Login;
    })();

    cim.RoomCursor = (function() {

        /**
         * Properties of a RoomCursor.
         * @memberof cim
         * @interface IRoomCursor
         * @property {string|null} [room] RoomCursor room
         * @property {string|null} [after] RoomCursor after
         */

        /**
         * Constructs a new RoomCursor.
         * @memberof cim
         * @classdesc Represents a RoomCursor.
         * @implements IRoomCursor
         * @constructor
         * @param {cim.IRoomCursor=} [properties] Properties to set
         */
        function RoomCursor(properties) {
            if (properties)
                for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        /**
         * RoomCursor room.
         * @member {string} room
         * @memberof cim.RoomCursor
         * @instance
         */
        RoomCursor.prototype.room = "";

        /**
         * RoomCursor after.
         * @member {string} after
         * @memberof cim.RoomCursor
         * @instance
         */
        RoomCursor.prototype.after = "";

        /**
         * Creates a new RoomCursor instance using the specified properties.
         * @function create
         * @memberof cim.RoomCursor
         * @static
         * @param {cim.IRoomCursor=} [properties] Properties to set
         * @returns {cim.RoomCursor} RoomCursor instance
         */
        RoomCursor.create = function create(properties) {
            return new RoomCursor(properties);
        };

        /**
         * Encodes the specified RoomCursor message. Does not implicitly {@link cim.RoomCursor.verify|verify} messages.
         * @function encode
         * @memberof cim.RoomCursor
         * @static
         * @param {cim.IRoomCursor} message RoomCursor message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        RoomCursor.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.room != null && Object.hasOwnProperty.call(message, "room"))
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.room);
            if (message.after != null && Object.hasOwnProperty.call(message, "after"))
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.after);
            return writer;
        };

        /**
         * Decodes a RoomCursor message from the specified reader or buffer.
         * @function decode
         * @memberof cim.RoomCursor
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {cim.RoomCursor} RoomCursor
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        RoomCursor.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            let end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.cim.RoomCursor();
            while (reader.pos < end) {
                let tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.room = reader.string();
                        break;
                    }
                case 2: {
                        message.after = reader.string();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        /**
         * Creates a RoomCursor message from a plain object. Also converts values to their respective internal types.
         * @function fromObject
         * @memberof cim.RoomCursor
         * @static
         * @param {Object.<string,*>} object Plain object
         * @returns {cim.RoomCursor} RoomCursor
         */
        RoomCursor.fromObject = function fromObject(object, long) {
            if (object instanceof $root.cim.RoomCursor)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".cim.RoomCursor: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            let message = new $root.cim.RoomCursor();
            if (object.room != null)
                message.room = String(object.room);
            if (object.after != null)
                message.after = String(object.after);
            return message;
        };

        /**
         * Creates a plain object from a RoomCursor message. Also converts values to other types if specified.
         * @function toObject
         * @memberof cim.RoomCursor
         * @static
         * @param {cim.RoomCursor} message RoomCursor
         * @param {$protobuf.IConversionOptions} [options] Conversion options
         * @returns {Object.<string,*>} Plain object
         */
        RoomCursor.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            let object = {};
            if (options.defaults) {
                object.room = "";
                object.after = "";
            }
            if (message.room != null && Object.hasOwnProperty.call(message, "room"))
                object.room = message.room;
            if (message.after != null && Object.hasOwnProperty.call(message, "after"))
                object.after = message.after;
            return object;
        };

        /**
         * Converts this RoomCursor to JSON.
         * @function toJSON
         * @memberof cim.RoomCursor
         * @instance
         * @returns {Object.<string,*>} JSON object
         */
        RoomCursor.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        /**
         * Gets the default type url for RoomCursor
         * @function getTypeUrl
         * @memberof cim.RoomCursor
         * @static
         * @param {string} [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
         * @returns {string} The default type url
         */
        RoomCursor.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
            if (typeUrlPrefix === undefined) {
                typeUrlPrefix = "type.googleapis.com";
            }
            return typeUrlPrefix + "/cim.RoomCursor";
        };

        return RoomCursor;
    })();

    cim.LoginAck = (function() {

        /**
         * Properties of a LoginAck.
         * @memberof cim
         * @interface ILoginAck
         * @property {string|null} [userId] LoginAck userId
         * @property {string|null} [userName] LoginAck userName
         * @property {string|null} [gatewayId] LoginAck gatewayId
         * @property {number|null} [serverTime] LoginAck serverTime
         * @property {number|null} [heartbeatMs] LoginAck heartbeatMs
         * @property {string|null} [groupPosition] LoginAck groupPosition
         * @property {string|null} [inboxPosition] LoginAck inboxPosition
         * @property {Array.<cim.IRoomCursor>|null} [rooms] LoginAck rooms
         * @property {number|null} [ratePerSec] LoginAck ratePerSec
         * @property {number|null} [rateBurst] LoginAck rateBurst
         * @property {number|null} [maxSendsInFlight] LoginAck maxSendsInFlight
         * @property {boolean|null} [typingSubscribe] LoginAck typingSubscribe
         */

        /**
         * Constructs a new LoginAck.
         * @memberof cim
         * @classdesc Represents a LoginAck.
         * @implements ILoginAck
         * @constructor
         * @param {cim.ILoginAck=} [properties] Properties to set
         */
        function LoginAck(properties) {
            this.rooms = [];
            if (properties)
                for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        /**
         * LoginAck userId.
         * @member {string} userId
         * @memberof cim.LoginAck
         * @instance
         */
        LoginAck.prototype.userId = "";

        /**
         * LoginAck userName.
         * @member {string} userName
         * @memberof cim.LoginAck
         * @instance
         */
        LoginAck.prototype.userName = "";

        /**
         * LoginAck gatewayId.
         * @member {string} gatewayId
         * @memberof cim.LoginAck
         * @instance
         */
        LoginAck.prototype.gatewayId = "";

        /**
         * LoginAck serverTime.
         * @member {number} serverTime
         * @memberof cim.LoginAck
         * @instance
         */
        LoginAck.prototype.serverTime = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

        /**
         * LoginAck heartbeatMs.
         * @member {number} heartbeatMs
         * @memberof cim.LoginAck
         * @instance
         */
        LoginAck.prototype.heartbeatMs = 0;

        /**
         * LoginAck groupPosition.
         * @member {string} groupPosition
         * @memberof cim.LoginAck
         * @instance
         */
        LoginAck.prototype.groupPosition = "";

        /**
         * LoginAck inboxPosition.
         * @member {string} inboxPosition
         * @memberof cim.LoginAck
         * @instance
         */
        LoginAck.prototype.inboxPosition = "";

        /**
         * LoginAck rooms.
         * @member {Array.<cim.IRoomCursor>} rooms
         * @memberof cim.LoginAck
         * @instance
         */
        LoginAck.prototype.rooms = $util.emptyArray;

        /**
         * LoginAck ratePerSec.
         * @member {number} ratePerSec
         * @memberof cim.LoginAck
         * @instance
         */
        LoginAck.prototype.ratePerSec = 0;

        /**
         * LoginAck rateBurst.
         * @member {number} rateBurst
         * @memberof cim.LoginAck
         * @instance
         */
        LoginAck.prototype.rateBurst = 0;

        /**
         * LoginAck maxSendsInFlight.
         * @member {number} maxSendsInFlight
         * @memberof cim.LoginAck
         * @instance
         */
        LoginAck.prototype.maxSendsInFlight = 0;

        /**
         * LoginAck typingSubscribe.
         * @member {boolean} typingSubscribe
         * @memberof cim.LoginAck
         * @instance
         */
        LoginAck.prototype.typingSubscribe = false;

        /**
         * Creates a new LoginAck instance using the specified properties.
         * @function create
         * @memberof cim.LoginAck
         * @static
         * @param {cim.ILoginAck=} [properties] Properties to set
         * @returns {cim.LoginAck} LoginAck instance
         */
        LoginAck.create = function create(properties) {
            return new LoginAck(properties);
        };

        /**
         * Encodes the specified LoginAck message. Does not implicitly {@link cim.LoginAck.verify|verify} messages.
         * @function encode
         * @memberof cim.LoginAck
         * @static
         * @param {cim.ILoginAck} message LoginAck message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        LoginAck.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.userId != null && Object.hasOwnProperty.call(message, "userId"))
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.userId);
            if (message.userName != null && Object.hasOwnProperty.call(message, "userName"))
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.userName);
            if (message.gatewayId != null && Object.hasOwnProperty.call(message, "gatewayId"))
                writer.uint32(/* id 3, wireType 2 =*/26).string(message.gatewayId);
            if (message.serverTime != null && Object.hasOwnProperty.call(message, "serverTime"))
                writer.uint32(/* id 4, wireType 0 =*/32).int64(message.serverTime);
            if (message.heartbeatMs != null && Object.hasOwnProperty.call(message, "heartbeatMs"))
                writer.uint32(/* id 5, wireType 0 =*/40).uint32(message.heartbeatMs);
            if (message.groupPosition != null && Object.hasOwnProperty.call(message, "groupPosition"))
                writer.uint32(/* id 6, wireType 2 =*/50).string(message.groupPosition);
            if (message.inboxPosition != null && Object.hasOwnProperty.call(message, "inboxPosition"))
                writer.uint32(/* id 7, wireType 2 =*/58).string(message.inboxPosition);
            if (message.rooms != null && message.rooms.length)
                for (let i = 0; i < message.rooms.length; ++i)
                    $root.cim.RoomCursor.encode(message.rooms[i], writer.uint32(/* id 8, wireType 2 =*/66).fork(), q + 1).ldelim();
            if (message.ratePerSec != null && Object.hasOwnProperty.call(message, "ratePerSec"))
                writer.uint32(/* id 9, wireType 0 =*/72).uint32(message.ratePerSec);
            if (message.rateBurst != null && Object.hasOwnProperty.call(message, "rateBurst"))
                writer.uint32(/* id 10, wireType 0 =*/80).uint32(message.rateBurst);
            if (message.maxSendsInFlight != null && Object.hasOwnProperty.call(message, "maxSendsInFlight"))
                writer.uint32(/* id 11, wireType 0 =*/88).uint32(message.maxSendsInFlight);
            if (message.typingSubscribe != null && Object.hasOwnProperty.call(message, "typingSubscribe"))
                writer.uint32(/* id 12, wireType 0 =*/96).bool(message.typingSubscribe);
            return writer;
        };

        /**
         * Decodes a LoginAck message from the specified reader or buffer.
         * @function decode
         * @memberof cim.LoginAck
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {cim.LoginAck} LoginAck
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        LoginAck.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            let end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.cim.LoginAck();
            while (reader.pos < end) {
                let tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.userId = reader.string();
                        break;
                    }
                case 2: {
                        message.userName = reader.string();
                        break;
                    }
                case 3: {
                        message.gatewayId = reader.string();
                        break;
                    }
                case 4: {
                        message.serverTime = reader.int64();
                        break;
                    }
                case 5: {
                        message.heartbeatMs = reader.uint32();
                        break;
                    }
                case 6: {
                        message.groupPosition = reader.string();
                        break;
                    }
                case 7: {
                        message.inboxPosition = reader.string();
                        break;
                    }
                case 8: {
                        if (!(message.rooms && message.rooms.length))
                            message.rooms = [];
                        message.rooms.push($root.cim.RoomCursor.decode(reader, reader.uint32(), undefined, long + 1));
                        break;
                    }
                case 9: {
                        message.ratePerSec = reader.uint32();
                        break;
                    }
                case 10: {
                        message.rateBurst = reader.uint32();
                        break;
                    }
                case 11: {
                        message.maxSendsInFlight = reader.uint32();
                        break;
                    }
                case 12: {
                        message.typingSubscribe = reader.bool();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        /**
         * Creates a LoginAck message from a plain object. Also converts values to their respective internal types.
         * @function fromObject
         * @memberof cim.LoginAck
         * @static
         * @param {Object.<string,*>} object Plain object
         * @returns {cim.LoginAck} LoginAck
         */
        LoginAck.fromObject = function fromObject(object, long) {
            if (object instanceof $root.cim.LoginAck)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".cim.LoginAck: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            let message = new $root.cim.LoginAck();
            if (object.userId != null)
                message.userId = String(object.userId);
            if (object.userName != null)
                message.userName = String(object.userName);
            if (object.gatewayId != null)
                message.gatewayId = String(object.gatewayId);
            if (object.serverTime != null)
                if ($util.Long)
                    message.serverTime = $util.Long.fromValue(object.serverTime, false);
                else if (typeof object.serverTime === "string")
                    message.serverTime = parseInt(object.serverTime, 10);
                else if (typeof object.serverTime === "number")
                    message.serverTime = object.serverTime;
                else if (typeof object.serverTime === "object")
                    message.serverTime = new $util.LongBits(object.serverTime.low >>> 0, object.serverTime.high >>> 0).toNumber();
            if (object.heartbeatMs != null)
                message.heartbeatMs = object.heartbeatMs >>> 0;
            if (object.groupPosition != null)
                message.groupPosition = String(object.groupPosition);
            if (object.inboxPosition != null)
                message.inboxPosition = String(object.inboxPosition);
            if (object.rooms) {
                if (!Array.isArray(object.rooms))
                    throw TypeError(".cim.LoginAck.rooms: array expected");
                message.rooms = [];
                for (let i = 0; i < object.rooms.length; ++i) {
                    if (!$util.isObject(object.rooms[i]))
                        throw TypeError(".cim.LoginAck.rooms: object expected");
                    message.rooms[i] = $root.cim.RoomCursor.fromObject(object.rooms[i], long + 1);
                }
            }
            if (object.ratePerSec != null)
                message.ratePerSec = object.ratePerSec >>> 0;
            if (object.rateBurst != null)
                message.rateBurst = object.rateBurst >>> 0;
            if (object.maxSendsInFlight != null)
                message.maxSendsInFlight = object.maxSendsInFlight >>> 0;
            if (object.typingSubscribe != null)
                message.typingSubscribe = Boolean(object.typingSubscribe);
            return message;
        };

        /**
         * Creates a plain object from a LoginAck message. Also converts values to other types if specified.
         * @function toObject
         * @memberof cim.LoginAck
         * @static
         * @param {cim.LoginAck} message LoginAck
         * @param {$protobuf.IConversionOptions} [options] Conversion options
         * @returns {Object.<string,*>} Plain object
         */
        LoginAck.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            let object = {};
            if (options.arrays || options.defaults)
                object.rooms = [];
            if (options.defaults) {
                object.userId = "";
                object.userName = "";
                object.gatewayId = "";
                if ($util.Long) {
                    let long = new $util.Long(0, 0, false);
                    object.serverTime = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.serverTime = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                object.heartbeatMs = 0;
                object.groupPosition = "";
                object.inboxPosition = "";
                object.ratePerSec = 0;
                object.rateBurst = 0;
                object.maxSendsInFlight = 0;
                object.typingSubscribe = false;
            }
            if (message.userId != null && Object.hasOwnProperty.call(message, "userId"))
                object.userId = message.userId;
            if (message.userName != null && Object.hasOwnProperty.call(message, "userName"))
                object.userName = message.userName;
            if (message.gatewayId != null && Object.hasOwnProperty.call(message, "gatewayId"))
                object.gatewayId = message.gatewayId;
            if (message.serverTime != null && Object.hasOwnProperty.call(message, "serverTime"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.serverTime = typeof message.serverTime === "number" ? BigInt(message.serverTime) : $util.Long.fromBits(message.serverTime.low >>> 0, message.serverTime.high >>> 0, false).toBigInt();
                else if (typeof message.serverTime === "number")
                    object.serverTime = options.longs === String ? String(message.serverTime) : message.serverTime;
                else
                    object.serverTime = options.longs === String ? $util.Long.prototype.toString.call(message.serverTime) : options.longs === Number ? new $util.LongBits(message.serverTime.low >>> 0, message.serverTime.high >>> 0).toNumber() : message.serverTime;
            if (message.heartbeatMs != null && Object.hasOwnProperty.call(message, "heartbeatMs"))
                object.heartbeatMs = message.heartbeatMs;
            if (message.groupPosition != null && Object.hasOwnProperty.call(message, "groupPosition"))
                object.groupPosition = message.groupPosition;
            if (message.inboxPosition != null && Object.hasOwnProperty.call(message, "inboxPosition"))
                object.inboxPosition = message.inboxPosition;
            if (message.rooms && message.rooms.length) {
                object.rooms = [];
                for (let j = 0; j < message.rooms.length; ++j)
                    object.rooms[j] = $root.cim.RoomCursor.toObject(message.rooms[j], options, q + 1);
            }
            if (message.ratePerSec != null && Object.hasOwnProperty.call(message, "ratePerSec"))
                object.ratePerSec = message.ratePerSec;
            if (message.rateBurst != null && Object.hasOwnProperty.call(message, "rateBurst"))
                object.rateBurst = message.rateBurst;
            if (message.maxSendsInFlight != null && Object.hasOwnProperty.call(message, "maxSendsInFlight"))
                object.maxSendsInFlight = message.maxSendsInFlight;
            if (message.typingSubscribe != null && Object.hasOwnProperty.call(message, "typingSubscribe"))
                object.typingSubscribe = message.typingSubscribe;
            return object;
        };

        /**
         * Converts this LoginAck to JSON.
         * @function toJSON
         * @memberof cim.LoginAck
         * @instance
         * @returns {Object.<string,*>} JSON object
         */
        LoginAck.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        /**
         * Gets the default type url for LoginAck
         * @function getTypeUrl
         * @memberof cim.LoginAck
         * @static
         * @param {string} [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
         * @returns {string} The default type url
         */
        LoginAck.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
            if (typeUrlPrefix === undefined) {
                typeUrlPrefix = "type.googleapis.com";
            }
            return typeUrlPrefix + "/cim.LoginAck";
        };

        return LoginAck;
    })();

    cim.Error = (function() {

        /**
         * Properties of an Error.
         * @memberof cim
         * @interface IError
         * @property {string|null} [code] Error code
         * @property {string|null} [message] Error message
         * @property {string|null} [clientMsgId] Error clientMsgId
         */

        /**
         * Constructs a new Error.
         * @memberof cim
         * @classdesc Represents an Error.
         * @implements IError
         * @constructor
         * @param {cim.IError=} [properties] Properties to set
         */
        function Error(properties) {
            if (properties)
                for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        /**
         * Error code.
         * @member {string} code
         * @memberof cim.Error
         * @instance
         */
        Error.prototype.code = "";

        /**
         * Error message.
         * @member {string} message
         * @memberof cim.Error
         * @instance
         */
        Error.prototype.message = "";

        /**
         * Error clientMsgId.
         * @member {string} clientMsgId
         * @memberof cim.Error
         * @instance
         */
        Error.prototype.clientMsgId = "";

        /**
         * Creates a new Error instance using the specified properties.
         * @function create
         * @memberof cim.Error
         * @static
         * @param {cim.IError=} [properties] Properties to set
         * @returns {cim.Error} Error instance
         */
        Error.create = function create(properties) {
            return new Error(properties);
        };

        /**
         * Encodes the specified Error message. Does not implicitly {@link cim.Error.verify|verify} messages.
         * @function encode
         * @memberof cim.Error
         * @static
         * @param {cim.IError} message Error message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Error.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.code != null && Object.hasOwnProperty.call(message, "code"))
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.code);
            if (message.message != null && Object.hasOwnProperty.call(message, "message"))
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.message);
            if (message.clientMsgId != null && Object.hasOwnProperty.call(message, "clientMsgId"))
                writer.uint32(/* id 3, wireType 2 =*/26).string(message.clientMsgId);
            return writer;
        };

        /**
         * Decodes an Error message from the specified reader or buffer.
         * @function decode
         * @memberof cim.Error
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {cim.Error} Error
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Error.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            let end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.cim.Error();
            while (reader.pos < end) {
                let tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.code = reader.string();
                        break;
                    }
                case 2: {
                        message.message = reader.string();
                        break;
                    }
                case 3: {
                        message.clientMsgId = reader.string();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        /**
         * Creates an Error message from a plain object. Also converts values to their respective internal types.
         * @function fromObject
         * @memberof cim.Error
         * @static
         * @param {Object.<string,*>} object Plain object
         * @returns {cim.Error} Error
         */
        Error.fromObject = function fromObject(object, long) {
            if (object instanceof $root.cim.Error)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".cim.Error: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            let message = new $root.cim.Error();
            if (object.code != null)
                message.code = String(object.code);
            if (object.message != null)
                message.message = String(object.message);
            if (object.clientMsgId != null)
                message.clientMsgId = String(object.clientMsgId);
            return message;
        };

        /**
         * Creates a plain object from an Error message. Also converts values to other types if specified.
         * @function toObject
         * @memberof cim.Error
         * @static
         * @param {cim.Error} message Error
         * @param {$protobuf.IConversionOptions} [options] Conversion options
         * @returns {Object.<string,*>} Plain object
         */
        Error.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            let object = {};
            if (options.defaults) {
                object.code = "";
                object.message = "";
                object.clientMsgId = "";
            }
            if (message.code != null && Object.hasOwnProperty.call(message, "code"))
                object.code = message.code;
            if (message.message != null && Object.hasOwnProperty.call(message, "message"))
                object.message = message.message;
            if (message.clientMsgId != null && Object.hasOwnProperty.call(message, "clientMsgId"))
                object.clientMsgId = message.clientMsgId;
            return object;
        };

        /**
         * Converts this Error to JSON.
         * @function toJSON
         * @memberof cim.Error
         * @instance
         * @returns {Object.<string,*>} JSON object
         */
        Error.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        /**
         * Gets the default type url for Error
         * @function getTypeUrl
         * @memberof cim.Error
         * @static
         * @param {string} [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
         * @returns {string} The default type url
         */
        Error.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
            if (typeUrlPrefix === undefined) {
                typeUrlPrefix = "type.googleapis.com";
            }
            return typeUrlPrefix + "/cim.Error";
        };

        return Error;
    })();

    cim.Ping = (function() {

        /**
         * Properties of a Ping.
         * @memberof cim
         * @interface IPing
         * @property {number|null} [ts] Ping ts
         */

        /**
         * Constructs a new Ping.
         * @memberof cim
         * @classdesc Represents a Ping.
         * @implements IPing
         * @constructor
         * @param {cim.IPing=} [properties] Properties to set
         */
        function Ping(properties) {
            if (properties)
                for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        /**
         * Ping ts.
         * @member {number} ts
         * @memberof cim.Ping
         * @instance
         */
        Ping.prototype.ts = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

        /**
         * Creates a new Ping instance using the specified properties.
         * @function create
         * @memberof cim.Ping
         * @static
         * @param {cim.IPing=} [properties] Properties to set
         * @returns {cim.Ping} Ping instance
         */
        Ping.create = function create(properties) {
            return new Ping(properties);
        };

        /**
         * Encodes the specified Ping message. Does not implicitly {@link cim.Ping.verify|verify} messages.
         * @function encode
         * @memberof cim.Ping
         * @static
         * @param {cim.IPing} message Ping message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Ping.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.ts != null && Object.hasOwnProperty.call(message, "ts"))
                writer.uint32(/* id 1, wireType 0 =*/8).int64(message.ts);
            return writer;
        };

        /**
         * Decodes a Ping message from the specified reader or buffer.
         * @function decode
         * @memberof cim.Ping
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {cim.Ping} Ping
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Ping.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            let end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.cim.Ping();
            while (reader.pos < end) {
                let tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.ts = reader.int64();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        /**
         * Creates a Ping message from a plain object. Also converts values to their respective internal types.
         * @function fromObject
         * @memberof cim.Ping
         * @static
         * @param {Object.<string,*>} object Plain object
         * @returns {cim.Ping} Ping
         */
        Ping.fromObject = function fromObject(object, long) {
            if (object instanceof $root.cim.Ping)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".cim.Ping: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            let message = new $root.cim.Ping();
            if (object.ts != null)
                if ($util.Long)
                    message.ts = $util.Long.fromValue(object.ts, false);
                else if (typeof object.ts === "string")
                    message.ts = parseInt(object.ts, 10);
                else if (typeof object.ts === "number")
                    message.ts = object.ts;
                else if (typeof object.ts === "object")
                    message.ts = new $util.LongBits(object.ts.low >>> 0, object.ts.high >>> 0).toNumber();
            return message;
        };

        /**
         * Creates a plain object from a Ping message. Also converts values to other types if specified.
         * @function toObject
         * @memberof cim.Ping
         * @static
         * @param {cim.Ping} message Ping
         * @param {$protobuf.IConversionOptions} [options] Conversion options
         * @returns {Object.<string,*>} Plain object
         */
        Ping.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            let object = {};
            if (options.defaults)
                if ($util.Long) {
                    let long = new $util.Long(0, 0, false);
                    object.ts = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.ts = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
            if (message.ts != null && Object.hasOwnProperty.call(message, "ts"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.ts = typeof message.ts === "number" ? BigInt(message.ts) : $util.Long.fromBits(message.ts.low >>> 0, message.ts.high >>> 0, false).toBigInt();
                else if (typeof message.ts === "number")
                    object.ts = options.longs === String ? String(message.ts) : message.ts;
                else
                    object.ts = options.longs === String ? $util.Long.prototype.toString.call(message.ts) : options.longs === Number ? new $util.LongBits(message.ts.low >>> 0, message.ts.high >>> 0).toNumber() : message.ts;
            return object;
        };

        /**
         * Converts this Ping to JSON.
         * @function toJSON
         * @memberof cim.Ping
         * @instance
         * @returns {Object.<string,*>} JSON object
         */
        Ping.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        /**
         * Gets the default type url for Ping
         * @function getTypeUrl
         * @memberof cim.Ping
         * @static
         * @param {string} [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
         * @returns {string} The default type url
         */
        Ping.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
            if (typeUrlPrefix === undefined) {
                typeUrlPrefix = "type.googleapis.com";
            }
            return typeUrlPrefix + "/cim.Ping";
        };

        return Ping;
    })();

    cim.Pong = (function() {

        /**
         * Properties of a Pong.
         * @memberof cim
         * @interface IPong
         * @property {number|null} [ts] Pong ts
         */

        /**
         * Constructs a new Pong.
         * @memberof cim
         * @classdesc Represents a Pong.
         * @implements IPong
         * @constructor
         * @param {cim.IPong=} [properties] Properties to set
         */
        function Pong(properties) {
            if (properties)
                for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        /**
         * Pong ts.
         * @member {number} ts
         * @memberof cim.Pong
         * @instance
         */
        Pong.prototype.ts = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

        /**
         * Creates a new Pong instance using the specified properties.
         * @function create
         * @memberof cim.Pong
         * @static
         * @param {cim.IPong=} [properties] Properties to set
         * @returns {cim.Pong} Pong instance
         */
        Pong.create = function create(properties) {
            return new Pong(properties);
        };

        /**
         * Encodes the specified Pong message. Does not implicitly {@link cim.Pong.verify|verify} messages.
         * @function encode
         * @memberof cim.Pong
         * @static
         * @param {cim.IPong} message Pong message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Pong.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.ts != null && Object.hasOwnProperty.call(message, "ts"))
                writer.uint32(/* id 1, wireType 0 =*/8).int64(message.ts);
            return writer;
        };

        /**
         * Decodes a Pong message from the specified reader or buffer.
         * @function decode
         * @memberof cim.Pong
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {cim.Pong} Pong
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Pong.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            let end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.cim.Pong();
            while (reader.pos < end) {
                let tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.ts = reader.int64();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        /**
         * Creates a Pong message from a plain object. Also converts values to their respective internal types.
         * @function fromObject
         * @memberof cim.Pong
         * @static
         * @param {Object.<string,*>} object Plain object
         * @returns {cim.Pong} Pong
         */
        Pong.fromObject = function fromObject(object, long) {
            if (object instanceof $root.cim.Pong)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".cim.Pong: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            let message = new $root.cim.Pong();
            if (object.ts != null)
                if ($util.Long)
                    message.ts = $util.Long.fromValue(object.ts, false);
                else if (typeof object.ts === "string")
                    message.ts = parseInt(object.ts, 10);
                else if (typeof object.ts === "number")
                    message.ts = object.ts;
                else if (typeof object.ts === "object")
                    message.ts = new $util.LongBits(object.ts.low >>> 0, object.ts.high >>> 0).toNumber();
            return message;
        };

        /**
         * Creates a plain object from a Pong message. Also converts values to other types if specified.
         * @function toObject
         * @memberof cim.Pong
         * @static
         * @param {cim.Pong} message Pong
         * @param {$protobuf.IConversionOptions} [options] Conversion options
         * @returns {Object.<string,*>} Plain object
         */
        Pong.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            let object = {};
            if (options.defaults)
                if ($util.Long) {
                    let long = new $util.Long(0, 0, false);
                    object.ts = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.ts = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
            if (message.ts != null && Object.hasOwnProperty.call(message, "ts"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.ts = typeof message.ts === "number" ? BigInt(message.ts) : $util.Long.fromBits(message.ts.low >>> 0, message.ts.high >>> 0, false).toBigInt();
                else if (typeof message.ts === "number")
                    object.ts = options.longs === String ? String(message.ts) : message.ts;
                else
                    object.ts = options.longs === String ? $util.Long.prototype.toString.call(message.ts) : options.longs === Number ? new $util.LongBits(message.ts.low >>> 0, message.ts.high >>> 0).toNumber() : message.ts;
            return object;
        };

        /**
         * Converts this Pong to JSON.
         * @function toJSON
         * @memberof cim.Pong
         * @instance
         * @returns {Object.<string,*>} JSON object
         */
        Pong.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        /**
         * Gets the default type url for Pong
         * @function getTypeUrl
         * @memberof cim.Pong
         * @static
         * @param {string} [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
         * @returns {string} The default type url
         */
        Pong.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
            if (typeUrlPrefix === undefined) {
                typeUrlPrefix = "type.googleapis.com";
            }
            return typeUrlPrefix + "/cim.Pong";
        };

        return Pong;
    })();

    cim.Send = (function() {

        /**
         * Properties of a Send.
         * @memberof cim
         * @interface ISend
         * @property {string|null} [clientMsgId] Send clientMsgId
         * @property {string|null} [to] Send to
         * @property {string|null} [text] Send text
         * @property {string|null} [room] Send room
         * @property {string|null} [replyTo] Send replyTo
         * @property {string|null} [editOf] Send editOf
         * @property {boolean|null} ["delete"] Send delete
         * @property {string|null} [reactTo] Send reactTo
         * @property {string|null} [reaction] Send reaction
         */

        /**
         * Constructs a new Send.
         * @memberof cim
         * @classdesc Represents a Send.
         * @implements ISend
         * @constructor
         * @param {cim.ISend=} [properties] Properties to set
         */
        function Send(properties) {
            if (properties)
                for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        /**
         * Send clientMsgId.
         * @member {string} clientMsgId
         * @memberof cim.Send
         * @instance
         */
        Send.prototype.clientMsgId = "";

        /**
         * Send to.
         * @member {string} to
         * @memberof cim.Send
         * @instance
         */
        Send.prototype.to = "";

        /**
         * Send text.
         * @member {string} text
         * @memberof cim.Send
         * @instance
         */
        Send.prototype.text = "";

        /**
         * Send room.
         * @member {string} room
         * @memberof cim.Send
         * @instance
         */
        Send.prototype.room = "";

        /**
         * Send replyTo.
         * @member {string} replyTo
         * @memberof cim.Send
         * @instance
         */
        Send.prototype.replyTo = "";

        /**
         * Send editOf.
         * @member {string} editOf
         * @memberof cim.Send
         * @instance
         */
        Send.prototype.editOf = "";

        /**
         * Send delete.
         * @member {boolean} delete
         * @memberof cim.Send
         * @instance
         */
        Send.prototype["delete"] = false;

        /**
         * Send reactTo.
         * @member {string} reactTo
         * @memberof cim.Send
         * @instance
         */
        Send.prototype.reactTo = "";

        /**
         * Send reaction.
         * @member {string} reaction
         * @memberof cim.Send
         * @instance
         */
        Send.prototype.reaction = "";

        /**
         * Creates a new Send instance using the specified properties.
         * @function create
         * @memberof cim.Send
         * @static
         * @param {cim.ISend=} [properties] Properties to set
         * @returns {cim.Send} Send instance
         */
        Send.create = function create(properties) {
            return new Send(properties);
        };

        /**
         * Encodes the specified Send message. Does not implicitly {@link cim.Send.verify|verify} messages.
         * @function encode
         * @memberof cim.Send
         * @static
         * @param {cim.ISend} message Send message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Send.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.clientMsgId != null && Object.hasOwnProperty.call(message, "clientMsgId"))
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.clientMsgId);
            if (message.to != null && Object.hasOwnProperty.call(message, "to"))
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.to);
            if (message.text != null && Object.hasOwnProperty.call(message, "text"))
                writer.uint32(/* id 3, wireType 2 =*/26).string(message.text);
            if (message.room != null && Object.hasOwnProperty.call(message, "room"))
                writer.uint32(/* id 4, wireType 2 =*/34).string(message.room);
            if (message.replyTo != null && Object.hasOwnProperty.call(message, "replyTo"))
                writer.uint32(/* id 5, wireType 2 =*/42).string(message.replyTo);
            if (message.editOf != null && Object.hasOwnProperty.call(message, "editOf"))
                writer.uint32(/* id 6, wireType 2 =*/50).string(message.editOf);
            if (message["delete"] != null && Object.hasOwnProperty.call(message, "delete"))
                writer.uint32(/* id 7, wireType 0 =*/56).bool(message["delete"]);
            if (message.reactTo != null && Object.hasOwnProperty.call(message, "reactTo"))
                writer.uint32(/* id 8, wireType 2 =*/66).string(message.reactTo);
            if (message.reaction != null && Object.hasOwnProperty.call(message, "reaction"))
                writer.uint32(/* id 9, wireType 2 =*/74).string(message.reaction);
            return writer;
        };

        /**
         * Decodes a Send message from the specified reader or buffer.
         * @function decode
         * @memberof cim.Send
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {cim.Send} Send
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Send.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            let end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.cim.Send();
            while (reader.pos < end) {
                let tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.clientMsgId = reader.string();
                        break;
                    }
                case 2: {
                        message.to = reader.string();
                        break;
                    }
                case 3: {
                        message.text = reader.string();
                        break;
                    }
                case 4: {
                        message.room = reader.string();
                        break;
                    }
                case 5: {
                        message.replyTo = reader.string();
                        break;
                    }
                case 6: {
                        message.editOf = reader.string();
                        break;
                    }
                case 7: {
                        message["delete"] = reader.bool();
                        break;
                    }
                case 8: {
                        message.reactTo = reader.string();
                        break;
                    }
                case 9: {
                        message.reaction = reader.string();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        /**
         * Creates a Send message from a plain object. Also converts values to their respective internal types.
         * @function fromObject
         * @memberof cim.Send
         * @static
         * @param {Object.<string,*>} object Plain object
         * @returns {cim.Send} Send
         */
        Send.fromObject = function fromObject(object, long) {
            if (object instanceof $root.cim.Send)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".cim.Send: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            let message = new $root.cim.Send();
            if (object.clientMsgId != null)
                message.clientMsgId = String(object.clientMsgId);
            if (object.to != null)
                message.to = String(object.to);
            if (object.text != null)
                message.text = String(object.text);
            if (object.room != null)
                message.room = String(object.room);
            if (object.replyTo != null)
                message.replyTo = String(object.replyTo);
            if (object.editOf != null)
                message.editOf = String(object.editOf);
            if (object["delete"] != null)
                message["delete"] = Boolean(object["delete"]);
            if (object.reactTo != null)
                message.reactTo = String(object.reactTo);
            if (object.reaction != null)
                message.reaction = String(object.reaction);
            return message;
        };

        /**
         * Creates a plain object from a Send message. Also converts values to other types if specified.
         * @function toObject
         * @memberof cim.Send
         * @static
         * @param {cim.Send} message Send
         * @param {$protobuf.IConversionOptions} [options] Conversion options
         * @returns {Object.<string,*>} Plain object
         */
        Send.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            let object = {};
            if (options.defaults) {
                object.clientMsgId = "";
                object.to = "";
                object.text = "";
                object.room = "";
                object.replyTo = "";
                object.editOf = "";
                object["delete"] = false;
                object.reactTo = "";
                object.reaction = "";
            }
            if (message.clientMsgId != null && Object.hasOwnProperty.call(message, "clientMsgId"))
                object.clientMsgId = message.clientMsgId;
            if (message.to != null && Object.hasOwnProperty.call(message, "to"))
                object.to = message.to;
            if (message.text != null && Object.hasOwnProperty.call(message, "text"))
                object.text = message.text;
            if (message.room != null && Object.hasOwnProperty.call(message, "room"))
                object.room = message.room;
            if (message.replyTo != null && Object.hasOwnProperty.call(message, "replyTo"))
                object.replyTo = message.replyTo;
            if (message.editOf != null && Object.hasOwnProperty.call(message, "editOf"))
                object.editOf = message.editOf;
            if (message["delete"] != null && Object.hasOwnProperty.call(message, "delete"))
                object["delete"] = message["delete"];
            if (message.reactTo != null && Object.hasOwnProperty.call(message, "reactTo"))
                object.reactTo = message.reactTo;
            if (message.reaction != null && Object.hasOwnProperty.call(message, "reaction"))
                object.reaction = message.reaction;
            return object;
        };

        /**
         * Converts this Send to JSON.
         * @function toJSON
         * @memberof cim.Send
         * @instance
         * @returns {Object.<string,*>} JSON object
         */
        Send.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        /**
         * Gets the default type url for Send
         * @function getTypeUrl
         * @memberof cim.Send
         * @static
         * @param {string} [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
         * @returns {string} The default type url
         */
        Send.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
            if (typeUrlPrefix === undefined) {
                typeUrlPrefix = "type.googleapis.com";
            }
            return typeUrlPrefix + "/cim.Send";
        };

        return Send;
    })();

    cim.SendAck = (function() {

        /**
         * Properties of a SendAck.
         * @memberof cim
         * @interface ISendAck
         * @property {string|null} [clientMsgId] SendAck clientMsgId
         * @property {string|null} [msgId] SendAck msgId
         * @property {number|null} [ts] SendAck ts
         */

        /**
         * Constructs a new SendAck.
         * @memberof cim
         * @classdesc Represents a SendAck.
         * @implements ISendAck
         * @constructor
         * @param {cim.ISendAck=} [properties] Properties to set
         */
        function SendAck(properties) {
            if (properties)
                for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        /**
         * SendAck clientMsgId.
         * @member {string} clientMsgId
         * @memberof cim.SendAck
         * @instance
         */
        SendAck.prototype.clientMsgId = "";

        /**
         * SendAck msgId.
         * @member {string} msgId
         * @memberof cim.SendAck
         * @instance
         */
        SendAck.prototype.msgId = "";

        /**
         * SendAck ts.
         * @member {number} ts
         * @memberof cim.SendAck
         * @instance
         */
        SendAck.prototype.ts = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

        /**
         * Creates a new SendAck instance using the specified properties.
         * @function create
         * @memberof cim.SendAck
         * @static
         * @param {cim.ISendAck=} [properties] Properties to set
         * @returns {cim.SendAck} SendAck instance
         */
        SendAck.create = function create(properties) {
            return new SendAck(properties);
        };

        /**
         * Encodes the specified SendAck message. Does not implicitly {@link cim.SendAck.verify|verify} messages.
         * @function encode
         * @memberof cim.SendAck
         * @static
         * @param {cim.ISendAck} message SendAck message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        SendAck.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.clientMsgId != null && Object.hasOwnProperty.call(message, "clientMsgId"))
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.clientMsgId);
            if (message.msgId != null && Object.hasOwnProperty.call(message, "msgId"))
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.msgId);
            if (message.ts != null && Object.hasOwnProperty.call(message, "ts"))
                writer.uint32(/* id 3, wireType 0 =*/24).int64(message.ts);
            return writer;
        };

        /**
         * Decodes a SendAck message from the specified reader or buffer.
         * @function decode
         * @memberof cim.SendAck
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {cim.SendAck} SendAck
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        SendAck.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            let end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.cim.SendAck();
            while (reader.pos < end) {
                let tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.clientMsgId = reader.string();
                        break;
                    }
                case 2: {
                        message.msgId = reader.string();
                        break;
                    }
                case 3: {
                        message.ts = reader.int64();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        /**
         * Creates a SendAck message from a plain object. Also converts values to their respective internal types.
         * @function fromObject
         * @memberof cim.SendAck
         * @static
         * @param {Object.<string,*>} object Plain object
         * @returns {cim.SendAck} SendAck
         */
        SendAck.fromObject = function fromObject(object, long) {
            if (object instanceof $root.cim.SendAck)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".cim.SendAck: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            let message = new $root.cim.SendAck();
            if (object.clientMsgId != null)
                message.clientMsgId = String(object.clientMsgId);
            if (object.msgId != null)
                message.msgId = String(object.msgId);
            if (object.ts != null)
                if ($util.Long)
                    message.ts = $util.Long.fromValue(object.ts, false);
                else if (typeof object.ts === "string")
                    message.ts = parseInt(object.ts, 10);
                else if (typeof object.ts === "number")
                    message.ts = object.ts;
                else if (typeof object.ts === "object")
                    message.ts = new $util.LongBits(object.ts.low >>> 0, object.ts.high >>> 0).toNumber();
            return message;
        };

        /**
         * Creates a plain object from a SendAck message. Also converts values to other types if specified.
         * @function toObject
         * @memberof cim.SendAck
         * @static
         * @param {cim.SendAck} message SendAck
         * @param {$protobuf.IConversionOptions} [options] Conversion options
         * @returns {Object.<string,*>} Plain object
         */
        SendAck.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            let object = {};
            if (options.defaults) {
                object.clientMsgId = "";
                object.msgId = "";
                if ($util.Long) {
                    let long = new $util.Long(0, 0, false);
                    object.ts = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.ts = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
            }
            if (message.clientMsgId != null && Object.hasOwnProperty.call(message, "clientMsgId"))
                object.clientMsgId = message.clientMsgId;
            if (message.msgId != null && Object.hasOwnProperty.call(message, "msgId"))
                object.msgId = message.msgId;
            if (message.ts != null && Object.hasOwnProperty.call(message, "ts"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.ts = typeof message.ts === "number" ? BigInt(message.ts) : $util.Long.fromBits(message.ts.low >>> 0, message.ts.high >>> 0, false).toBigInt();
                else if (typeof message.ts === "number")
                    object.ts = options.longs === String ? String(message.ts) : message.ts;
                else
                    object.ts = options.longs === String ? $util.Long.prototype.toString.call(message.ts) : options.longs === Number ? new $util.LongBits(message.ts.low >>> 0, message.ts.high >>> 0).toNumber() : message.ts;
            return object;
        };

        /**
         * Converts this SendAck to JSON.
         * @function toJSON
         * @memberof cim.SendAck
         * @instance
         * @returns {Object.<string,*>} JSON object
         */
        SendAck.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        /**
         * Gets the default type url for SendAck
         * @function getTypeUrl
         * @memberof cim.SendAck
         * @static
         * @param {string} [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
         * @returns {string} The default type url
         */
        SendAck.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
            if (typeUrlPrefix === undefined) {
                typeUrlPrefix = "type.googleapis.com";
            }
            return typeUrlPrefix + "/cim.SendAck";
        };

        return SendAck;
    })();

    cim.Message = (function() {

        /**
         * Properties of a Message.
         * @memberof cim
         * @interface IMessage
         * @property {string|null} [msgId] Message msgId
         * @property {string|null} [from] Message from
         * @property {string|null} [fromName] Message fromName
         * @property {string|null} [to] Message to
         * @property {string|null} [text] Message text
         * @property {number|null} [ts] Message ts
         * @property {string|null} [room] Message room
         * @property {string|null} [replyTo] Message replyTo
         * @property {string|null} [editOf] Message editOf
         * @property {boolean|null} [deleted] Message deleted
         * @property {string|null} [reactTo] Message reactTo
         * @property {string|null} [reaction] Message reaction
         * @property {string|null} [replyFrom] Message replyFrom
         * @property {string|null} [replyFromName] Message replyFromName
         * @property {string|null} [replyText] Message replyText
         */

        /**
         * Constructs a new Message.
         * @memberof cim
         * @classdesc Represents a Message.
         * @implements IMessage
         * @constructor
         * @param {cim.IMessage=} [properties] Properties to set
         */
        function Message(properties) {
            if (properties)
                for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        /**
         * Message msgId.
         * @member {string} msgId
         * @memberof cim.Message
         * @instance
         */
        Message.prototype.msgId = "";

        /**
         * Message from.
         * @member {string} from
         * @memberof cim.Message
         * @instance
         */
        Message.prototype.from = "";

        /**
         * Message fromName.
         * @member {string} fromName
         * @memberof cim.Message
         * @instance
         */
        Message.prototype.fromName = "";

        /**
         * Message to.
         * @member {string} to
         * @memberof cim.Message
         * @instance
         */
        Message.prototype.to = "";

        /**
         * Message text.
         * @member {string} text
         * @memberof cim.Message
         * @instance
         */
        Message.prototype.text = "";

        /**
         * Message ts.
         * @member {number} ts
         * @memberof cim.Message
         * @instance
         */
        Message.prototype.ts = $util.Long ? $util.Long.fromBits(0,0,false) : 0;

        /**
         * Message room.
         * @member {string} room
         * @memberof cim.Message
         * @instance
         */
        Message.prototype.room = "";

        /**
         * Message replyTo.
         * @member {string} replyTo
         * @memberof cim.Message
         * @instance
         */
        Message.prototype.replyTo = "";

        /**
         * Message editOf.
         * @member {string} editOf
         * @memberof cim.Message
         * @instance
         */
        Message.prototype.editOf = "";

        /**
         * Message deleted.
         * @member {boolean} deleted
         * @memberof cim.Message
         * @instance
         */
        Message.prototype.deleted = false;

        /**
         * Message reactTo.
         * @member {string} reactTo
         * @memberof cim.Message
         * @instance
         */
        Message.prototype.reactTo = "";

        /**
         * Message reaction.
         * @member {string} reaction
         * @memberof cim.Message
         * @instance
         */
        Message.prototype.reaction = "";

        /**
         * Message replyFrom.
         * @member {string} replyFrom
         * @memberof cim.Message
         * @instance
         */
        Message.prototype.replyFrom = "";

        /**
         * Message replyFromName.
         * @member {string} replyFromName
         * @memberof cim.Message
         * @instance
         */
        Message.prototype.replyFromName = "";

        /**
         * Message replyText.
         * @member {string} replyText
         * @memberof cim.Message
         * @instance
         */
        Message.prototype.replyText = "";

        /**
         * Creates a new Message instance using the specified properties.
         * @function create
         * @memberof cim.Message
         * @static
         * @param {cim.IMessage=} [properties] Properties to set
         * @returns {cim.Message} Message instance
         */
        Message.create = function create(properties) {
            return new Message(properties);
        };

        /**
         * Encodes the specified Message message. Does not implicitly {@link cim.Message.verify|verify} messages.
         * @function encode
         * @memberof cim.Message
         * @static
         * @param {cim.IMessage} message Message message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Message.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.msgId != null && Object.hasOwnProperty.call(message, "msgId"))
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.msgId);
            if (message.from != null && Object.hasOwnProperty.call(message, "from"))
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.from);
            if (message.fromName != null && Object.hasOwnProperty.call(message, "fromName"))
                writer.uint32(/* id 3, wireType 2 =*/26).string(message.fromName);
            if (message.to != null && Object.hasOwnProperty.call(message, "to"))
                writer.uint32(/* id 4, wireType 2 =*/34).string(message.to);
            if (message.text != null && Object.hasOwnProperty.call(message, "text"))
                writer.uint32(/* id 5, wireType 2 =*/42).string(message.text);
            if (message.ts != null && Object.hasOwnProperty.call(message, "ts"))
                writer.uint32(/* id 6, wireType 0 =*/48).int64(message.ts);
            if (message.room != null && Object.hasOwnProperty.call(message, "room"))
                writer.uint32(/* id 7, wireType 2 =*/58).string(message.room);
            if (message.replyTo != null && Object.hasOwnProperty.call(message, "replyTo"))
                writer.uint32(/* id 8, wireType 2 =*/66).string(message.replyTo);
            if (message.editOf != null && Object.hasOwnProperty.call(message, "editOf"))
                writer.uint32(/* id 9, wireType 2 =*/74).string(message.editOf);
            if (message.deleted != null && Object.hasOwnProperty.call(message, "deleted"))
                writer.uint32(/* id 10, wireType 0 =*/80).bool(message.deleted);
            if (message.reactTo != null && Object.hasOwnProperty.call(message, "reactTo"))
                writer.uint32(/* id 11, wireType 2 =*/90).string(message.reactTo);
            if (message.reaction != null && Object.hasOwnProperty.call(message, "reaction"))
                writer.uint32(/* id 12, wireType 2 =*/98).string(message.reaction);
            if (message.replyFrom != null && Object.hasOwnProperty.call(message, "replyFrom"))
                writer.uint32(/* id 13, wireType 2 =*/106).string(message.replyFrom);
            if (message.replyFromName != null && Object.hasOwnProperty.call(message, "replyFromName"))
                writer.uint32(/* id 14, wireType 2 =*/114).string(message.replyFromName);
            if (message.replyText != null && Object.hasOwnProperty.call(message, "replyText"))
                writer.uint32(/* id 15, wireType 2 =*/122).string(message.replyText);
            return writer;
        };

        /**
         * Decodes a Message message from the specified reader or buffer.
         * @function decode
         * @memberof cim.Message
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {cim.Message} Message
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Message.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            let end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.cim.Message();
            while (reader.pos < end) {
                let tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.msgId = reader.string();
                        break;
                    }
                case 2: {
                        message.from = reader.string();
                        break;
                    }
                case 3: {
                        message.fromName = reader.string();
                        break;
                    }
                case 4: {
                        message.to = reader.string();
                        break;
                    }
                case 5: {
                        message.text = reader.string();
                        break;
                    }
                case 6: {
                        message.ts = reader.int64();
                        break;
                    }
                case 7: {
                        message.room = reader.string();
                        break;
                    }
                case 8: {
                        message.replyTo = reader.string();
                        break;
                    }
                case 9: {
                        message.editOf = reader.string();
                        break;
                    }
                case 10: {
                        message.deleted = reader.bool();
                        break;
                    }
                case 11: {
                        message.reactTo = reader.string();
                        break;
                    }
                case 12: {
                        message.reaction = reader.string();
                        break;
                    }
                case 13: {
                        message.replyFrom = reader.string();
                        break;
                    }
                case 14: {
                        message.replyFromName = reader.string();
                        break;
                    }
                case 15: {
                        message.replyText = reader.string();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        /**
         * Creates a Message message from a plain object. Also converts values to their respective internal types.
         * @function fromObject
         * @memberof cim.Message
         * @static
         * @param {Object.<string,*>} object Plain object
         * @returns {cim.Message} Message
         */
        Message.fromObject = function fromObject(object, long) {
            if (object instanceof $root.cim.Message)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".cim.Message: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            let message = new $root.cim.Message();
            if (object.msgId != null)
                message.msgId = String(object.msgId);
            if (object.from != null)
                message.from = String(object.from);
            if (object.fromName != null)
                message.fromName = String(object.fromName);
            if (object.to != null)
                message.to = String(object.to);
            if (object.text != null)
                message.text = String(object.text);
            if (object.ts != null)
                if ($util.Long)
                    message.ts = $util.Long.fromValue(object.ts, false);
                else if (typeof object.ts === "string")
                    message.ts = parseInt(object.ts, 10);
                else if (typeof object.ts === "number")
                    message.ts = object.ts;
                else if (typeof object.ts === "object")
                    message.ts = new $util.LongBits(object.ts.low >>> 0, object.ts.high >>> 0).toNumber();
            if (object.room != null)
                message.room = String(object.room);
            if (object.replyTo != null)
                message.replyTo = String(object.replyTo);
            if (object.editOf != null)
                message.editOf = String(object.editOf);
            if (object.deleted != null)
                message.deleted = Boolean(object.deleted);
            if (object.reactTo != null)
                message.reactTo = String(object.reactTo);
            if (object.reaction != null)
                message.reaction = String(object.reaction);
            if (object.replyFrom != null)
                message.replyFrom = String(object.replyFrom);
            if (object.replyFromName != null)
                message.replyFromName = String(object.replyFromName);
            if (object.replyText != null)
                message.replyText = String(object.replyText);
            return message;
        };

        /**
         * Creates a plain object from a Message message. Also converts values to other types if specified.
         * @function toObject
         * @memberof cim.Message
         * @static
         * @param {cim.Message} message Message
         * @param {$protobuf.IConversionOptions} [options] Conversion options
         * @returns {Object.<string,*>} Plain object
         */
        Message.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            let object = {};
            if (options.defaults) {
                object.msgId = "";
                object.from = "";
                object.fromName = "";
                object.to = "";
                object.text = "";
                if ($util.Long) {
                    let long = new $util.Long(0, 0, false);
                    object.ts = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.ts = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
                object.room = "";
                object.replyTo = "";
                object.editOf = "";
                object.deleted = false;
                object.reactTo = "";
                object.reaction = "";
                object.replyFrom = "";
                object.replyFromName = "";
                object.replyText = "";
            }
            if (message.msgId != null && Object.hasOwnProperty.call(message, "msgId"))
                object.msgId = message.msgId;
            if (message.from != null && Object.hasOwnProperty.call(message, "from"))
                object.from = message.from;
            if (message.fromName != null && Object.hasOwnProperty.call(message, "fromName"))
                object.fromName = message.fromName;
            if (message.to != null && Object.hasOwnProperty.call(message, "to"))
                object.to = message.to;
            if (message.text != null && Object.hasOwnProperty.call(message, "text"))
                object.text = message.text;
            if (message.ts != null && Object.hasOwnProperty.call(message, "ts"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.ts = typeof message.ts === "number" ? BigInt(message.ts) : $util.Long.fromBits(message.ts.low >>> 0, message.ts.high >>> 0, false).toBigInt();
                else if (typeof message.ts === "number")
                    object.ts = options.longs === String ? String(message.ts) : message.ts;
                else
                    object.ts = options.longs === String ? $util.Long.prototype.toString.call(message.ts) : options.longs === Number ? new $util.LongBits(message.ts.low >>> 0, message.ts.high >>> 0).toNumber() : message.ts;
            if (message.room != null && Object.hasOwnProperty.call(message, "room"))
                object.room = message.room;
            if (message.replyTo != null && Object.hasOwnProperty.call(message, "replyTo"))
                object.replyTo = message.replyTo;
            if (message.editOf != null && Object.hasOwnProperty.call(message, "editOf"))
                object.editOf = message.editOf;
            if (message.deleted != null && Object.hasOwnProperty.call(message, "deleted"))
                object.deleted = message.deleted;
            if (message.reactTo != null && Object.hasOwnProperty.call(message, "reactTo"))
                object.reactTo = message.reactTo;
            if (message.reaction != null && Object.hasOwnProperty.call(message, "reaction"))
                object.reaction = message.reaction;
            if (message.replyFrom != null && Object.hasOwnProperty.call(message, "replyFrom"))
                object.replyFrom = message.replyFrom;
            if (message.replyFromName != null && Object.hasOwnProperty.call(message, "replyFromName"))
                object.replyFromName = message.replyFromName;
            if (message.replyText != null && Object.hasOwnProperty.call(message, "replyText"))
                object.replyText = message.replyText;
            return object;
        };

        /**
         * Converts this Message to JSON.
         * @function toJSON
         * @memberof cim.Message
         * @instance
         * @returns {Object.<string,*>} JSON object
         */
        Message.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        /**
         * Gets the default type url for Message
         * @function getTypeUrl
         * @memberof cim.Message
         * @static
         * @param {string} [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
         * @returns {string} The default type url
         */
        Message.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
            if (typeUrlPrefix === undefined) {
                typeUrlPrefix = "type.googleapis.com";
            }
            return typeUrlPrefix + "/cim.Message";
        };

        return Message;
    })();

    cim.Delivered = (function() {

        /**
         * Properties of a Delivered.
         * @memberof cim
         * @interface IDelivered
         * @property {string|null} [msgId] Delivered msgId
         * @property {string|null} [by] Delivered by
         * @property {string|null} [from] Delivered from
         */

        /**
         * Constructs a new Delivered.
         * @memberof cim
         * @classdesc Represents a Delivered.
         * @implements IDelivered
         * @constructor
         * @param {cim.IDelivered=} [properties] Properties to set
         */
        function Delivered(properties) {
            if (properties)
                for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        /**
         * Delivered msgId.
         * @member {string} msgId
         * @memberof cim.Delivered
         * @instance
         */
        Delivered.prototype.msgId = "";

        /**
         * Delivered by.
         * @member {string} by
         * @memberof cim.Delivered
         * @instance
         */
        Delivered.prototype.by = "";

        /**
         * Delivered from.
         * @member {string} from
         * @memberof cim.Delivered
         * @instance
         */
        Delivered.prototype.from = "";

        /**
         * Creates a new Delivered instance using the specified properties.
         * @function create
         * @memberof cim.Delivered
         * @static
         * @param {cim.IDelivered=} [properties] Properties to set
         * @returns {cim.Delivered} Delivered instance
         */
        Delivered.create = function create(properties) {
            return new Delivered(properties);
        };

        /**
         * Encodes the specified Delivered message. Does not implicitly {@link cim.Delivered.verify|verify} messages.
         * @function encode
         * @memberof cim.Delivered
         * @static
         * @param {cim.IDelivered} message Delivered message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Delivered.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.msgId != null && Object.hasOwnProperty.call(message, "msgId"))
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.msgId);
            if (message.by != null && Object.hasOwnProperty.call(message, "by"))
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.by);
            if (message.from != null && Object.hasOwnProperty.call(message, "from"))
                writer.uint32(/* id 3, wireType 2 =*/26).string(message.from);
            return writer;
        };

        /**
         * Decodes a Delivered message from the specified reader or buffer.
         * @function decode
         * @memberof cim.Delivered
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {cim.Delivered} Delivered
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Delivered.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            let end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.cim.Delivered();
            while (reader.pos < end) {
                let tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.msgId = reader.string();
                        break;
                    }
                case 2: {
                        message.by = reader.string();
                        break;
                    }
                case 3: {
                        message.from = reader.string();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        /**
         * Creates a Delivered message from a plain object. Also converts values to their respective internal types.
         * @function fromObject
         * @memberof cim.Delivered
         * @static
         * @param {Object.<string,*>} object Plain object
         * @returns {cim.Delivered} Delivered
         */
        Delivered.fromObject = function fromObject(object, long) {
            if (object instanceof $root.cim.Delivered)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".cim.Delivered: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            let message = new $root.cim.Delivered();
            if (object.msgId != null)
                message.msgId = String(object.msgId);
            if (object.by != null)
                message.by = String(object.by);
            if (object.from != null)
                message.from = String(object.from);
            return message;
        };

        /**
         * Creates a plain object from a Delivered message. Also converts values to other types if specified.
         * @function toObject
         * @memberof cim.Delivered
         * @static
         * @param {cim.Delivered} message Delivered
         * @param {$protobuf.IConversionOptions} [options] Conversion options
         * @returns {Object.<string,*>} Plain object
         */
        Delivered.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            let object = {};
            if (options.defaults) {
                object.msgId = "";
                object.by = "";
                object.from = "";
            }
            if (message.msgId != null && Object.hasOwnProperty.call(message, "msgId"))
                object.msgId = message.msgId;
            if (message.by != null && Object.hasOwnProperty.call(message, "by"))
                object.by = message.by;
            if (message.from != null && Object.hasOwnProperty.call(message, "from"))
                object.from = message.from;
            return object;
        };

        /**
         * Converts this Delivered to JSON.
         * @function toJSON
         * @memberof cim.Delivered
         * @instance
         * @returns {Object.<string,*>} JSON object
         */
        Delivered.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        /**
         * Gets the default type url for Delivered
         * @function getTypeUrl
         * @memberof cim.Delivered
         * @static
         * @param {string} [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
         * @returns {string} The default type url
         */
        Delivered.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
            if (typeUrlPrefix === undefined) {
                typeUrlPrefix = "type.googleapis.com";
            }
            return typeUrlPrefix + "/cim.Delivered";
        };

        return Delivered;
    })();

    cim.Presence = (function() {

        /**
         * Properties of a Presence.
         * @memberof cim
         * @interface IPresence
         * @property {string|null} [userId] Presence userId
         * @property {string|null} [userName] Presence userName
         * @property {boolean|null} [online] Presence online
         */

        /**
         * Constructs a new Presence.
         * @memberof cim
         * @classdesc Represents a Presence.
         * @implements IPresence
         * @constructor
         * @param {cim.IPresence=} [properties] Properties to set
         */
        function Presence(properties) {
            if (properties)
                for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        /**
         * Presence userId.
         * @member {string} userId
         * @memberof cim.Presence
         * @instance
         */
        Presence.prototype.userId = "";

        /**
         * Presence userName.
         * @member {string} userName
         * @memberof cim.Presence
         * @instance
         */
        Presence.prototype.userName = "";

        /**
         * Presence online.
         * @member {boolean} online
         * @memberof cim.Presence
         * @instance
         */
        Presence.prototype.online = false;

        /**
         * Creates a new Presence instance using the specified properties.
         * @function create
         * @memberof cim.Presence
         * @static
         * @param {cim.IPresence=} [properties] Properties to set
         * @returns {cim.Presence} Presence instance
         */
        Presence.create = function create(properties) {
            return new Presence(properties);
        };

        /**
         * Encodes the specified Presence message. Does not implicitly {@link cim.Presence.verify|verify} messages.
         * @function encode
         * @memberof cim.Presence
         * @static
         * @param {cim.IPresence} message Presence message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Presence.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.userId != null && Object.hasOwnProperty.call(message, "userId"))
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.userId);
            if (message.userName != null && Object.hasOwnProperty.call(message, "userName"))
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.userName);
            if (message.online != null && Object.hasOwnProperty.call(message, "online"))
                writer.uint32(/* id 3, wireType 0 =*/24).bool(message.online);
            return writer;
        };

        /**
         * Decodes a Presence message from the specified reader or buffer.
         * @function decode
         * @memberof cim.Presence
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {cim.Presence} Presence
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Presence.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            let end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.cim.Presence();
            while (reader.pos < end) {
                let tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.userId = reader.string();
                        break;
                    }
                case 2: {
                        message.userName = reader.string();
                        break;
                    }
                case 3: {
                        message.online = reader.bool();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        /**
         * Creates a Presence message from a plain object. Also converts values to their respective internal types.
         * @function fromObject
         * @memberof cim.Presence
         * @static
         * @param {Object.<string,*>} object Plain object
         * @returns {cim.Presence} Presence
         */
        Presence.fromObject = function fromObject(object, long) {
            if (object instanceof $root.cim.Presence)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".cim.Presence: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            let message = new $root.cim.Presence();
            if (object.userId != null)
                message.userId = String(object.userId);
            if (object.userName != null)
                message.userName = String(object.userName);
            if (object.online != null)
                message.online = Boolean(object.online);
            return message;
        };

        /**
         * Creates a plain object from a Presence message. Also converts values to other types if specified.
         * @function toObject
         * @memberof cim.Presence
         * @static
         * @param {cim.Presence} message Presence
         * @param {$protobuf.IConversionOptions} [options] Conversion options
         * @returns {Object.<string,*>} Plain object
         */
        Presence.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            let object = {};
            if (options.defaults) {
                object.userId = "";
                object.userName = "";
                object.online = false;
            }
            if (message.userId != null && Object.hasOwnProperty.call(message, "userId"))
                object.userId = message.userId;
            if (message.userName != null && Object.hasOwnProperty.call(message, "userName"))
                object.userName = message.userName;
            if (message.online != null && Object.hasOwnProperty.call(message, "online"))
                object.online = message.online;
            return object;
        };

        /**
         * Converts this Presence to JSON.
         * @function toJSON
         * @memberof cim.Presence
         * @instance
         * @returns {Object.<string,*>} JSON object
         */
        Presence.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        /**
         * Gets the default type url for Presence
         * @function getTypeUrl
         * @memberof cim.Presence
         * @static
         * @param {string} [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
         * @returns {string} The default type url
         */
        Presence.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
            if (typeUrlPrefix === undefined) {
                typeUrlPrefix = "type.googleapis.com";
            }
            return typeUrlPrefix + "/cim.Presence";
        };

        return Presence;
    })();

    cim.MessageBatch = (function() {

        /**
         * Properties of a MessageBatch.
         * @memberof cim
         * @interface IMessageBatch
         * @property {Array.<cim.IMessage>|null} [messages] MessageBatch messages
         */

        /**
         * Constructs a new MessageBatch.
         * @memberof cim
         * @classdesc Represents a MessageBatch.
         * @implements IMessageBatch
         * @constructor
         * @param {cim.IMessageBatch=} [properties] Properties to set
         */
        function MessageBatch(properties) {
            this.messages = [];
            if (properties)
                for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        /**
         * MessageBatch messages.
         * @member {Array.<cim.IMessage>} messages
         * @memberof cim.MessageBatch
         * @instance
         */
        MessageBatch.prototype.messages = $util.emptyArray;

        /**
         * Creates a new MessageBatch instance using the specified properties.
         * @function create
         * @memberof cim.MessageBatch
         * @static
         * @param {cim.IMessageBatch=} [properties] Properties to set
         * @returns {cim.MessageBatch} MessageBatch instance
         */
        MessageBatch.create = function create(properties) {
            return new MessageBatch(properties);
        };

        /**
         * Encodes the specified MessageBatch message. Does not implicitly {@link cim.MessageBatch.verify|verify} messages.
         * @function encode
         * @memberof cim.MessageBatch
         * @static
         * @param {cim.IMessageBatch} message MessageBatch message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        MessageBatch.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.messages != null && message.messages.length)
                for (let i = 0; i < message.messages.length; ++i)
                    $root.cim.Message.encode(message.messages[i], writer.uint32(/* id 1, wireType 2 =*/10).fork(), q + 1).ldelim();
            return writer;
        };

        /**
         * Decodes a MessageBatch message from the specified reader or buffer.
         * @function decode
         * @memberof cim.MessageBatch
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {cim.MessageBatch} MessageBatch
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        MessageBatch.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            let end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.cim.MessageBatch();
            while (reader.pos < end) {
                let tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        if (!(message.messages && message.messages.length))
                            message.messages = [];
                        message.messages.push($root.cim.Message.decode(reader, reader.uint32(), undefined, long + 1));
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        /**
         * Creates a MessageBatch message from a plain object. Also converts values to their respective internal types.
         * @function fromObject
         * @memberof cim.MessageBatch
         * @static
         * @param {Object.<string,*>} object Plain object
         * @returns {cim.MessageBatch} MessageBatch
         */
        MessageBatch.fromObject = function fromObject(object, long) {
            if (object instanceof $root.cim.MessageBatch)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".cim.MessageBatch: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            let message = new $root.cim.MessageBatch();
            if (object.messages) {
                if (!Array.isArray(object.messages))
                    throw TypeError(".cim.MessageBatch.messages: array expected");
                message.messages = [];
                for (let i = 0; i < object.messages.length; ++i) {
                    if (!$util.isObject(object.messages[i]))
                        throw TypeError(".cim.MessageBatch.messages: object expected");
                    message.messages[i] = $root.cim.Message.fromObject(object.messages[i], long + 1);
                }
            }
            return message;
        };

        /**
         * Creates a plain object from a MessageBatch message. Also converts values to other types if specified.
         * @function toObject
         * @memberof cim.MessageBatch
         * @static
         * @param {cim.MessageBatch} message MessageBatch
         * @param {$protobuf.IConversionOptions} [options] Conversion options
         * @returns {Object.<string,*>} Plain object
         */
        MessageBatch.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            let object = {};
            if (options.arrays || options.defaults)
                object.messages = [];
            if (message.messages && message.messages.length) {
                object.messages = [];
                for (let j = 0; j < message.messages.length; ++j)
                    object.messages[j] = $root.cim.Message.toObject(message.messages[j], options, q + 1);
            }
            return object;
        };

        /**
         * Converts this MessageBatch to JSON.
         * @function toJSON
         * @memberof cim.MessageBatch
         * @instance
         * @returns {Object.<string,*>} JSON object
         */
        MessageBatch.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        /**
         * Gets the default type url for MessageBatch
         * @function getTypeUrl
         * @memberof cim.MessageBatch
         * @static
         * @param {string} [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
         * @returns {string} The default type url
         */
        MessageBatch.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
            if (typeUrlPrefix === undefined) {
                typeUrlPrefix = "type.googleapis.com";
            }
            return typeUrlPrefix + "/cim.MessageBatch";
        };

        return MessageBatch;
    })();

    cim.PresenceBatch = (function() {

        /**
         * Properties of a PresenceBatch.
         * @memberof cim
         * @interface IPresenceBatch
         * @property {Array.<cim.IPresence>|null} [presences] PresenceBatch presences
         */

        /**
         * Constructs a new PresenceBatch.
         * @memberof cim
         * @classdesc Represents a PresenceBatch.
         * @implements IPresenceBatch
         * @constructor
         * @param {cim.IPresenceBatch=} [properties] Properties to set
         */
        function PresenceBatch(properties) {
            this.presences = [];
            if (properties)
                for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        /**
         * PresenceBatch presences.
         * @member {Array.<cim.IPresence>} presences
         * @memberof cim.PresenceBatch
         * @instance
         */
        PresenceBatch.prototype.presences = $util.emptyArray;

        /**
         * Creates a new PresenceBatch instance using the specified properties.
         * @function create
         * @memberof cim.PresenceBatch
         * @static
         * @param {cim.IPresenceBatch=} [properties] Properties to set
         * @returns {cim.PresenceBatch} PresenceBatch instance
         */
        PresenceBatch.create = function create(properties) {
            return new PresenceBatch(properties);
        };

        /**
         * Encodes the specified PresenceBatch message. Does not implicitly {@link cim.PresenceBatch.verify|verify} messages.
         * @function encode
         * @memberof cim.PresenceBatch
         * @static
         * @param {cim.IPresenceBatch} message PresenceBatch message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        PresenceBatch.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.presences != null && message.presences.length)
                for (let i = 0; i < message.presences.length; ++i)
                    $root.cim.Presence.encode(message.presences[i], writer.uint32(/* id 1, wireType 2 =*/10).fork(), q + 1).ldelim();
            return writer;
        };

        /**
         * Decodes a PresenceBatch message from the specified reader or buffer.
         * @function decode
         * @memberof cim.PresenceBatch
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {cim.PresenceBatch} PresenceBatch
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        PresenceBatch.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            let end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.cim.PresenceBatch();
            while (reader.pos < end) {
                let tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        if (!(message.presences && message.presences.length))
                            message.presences = [];
                        message.presences.push($root.cim.Presence.decode(reader, reader.uint32(), undefined, long + 1));
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        /**
         * Creates a PresenceBatch message from a plain object. Also converts values to their respective internal types.
         * @function fromObject
         * @memberof cim.PresenceBatch
         * @static
         * @param {Object.<string,*>} object Plain object
         * @returns {cim.PresenceBatch} PresenceBatch
         */
        PresenceBatch.fromObject = function fromObject(object, long) {
            if (object instanceof $root.cim.PresenceBatch)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".cim.PresenceBatch: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            let message = new $root.cim.PresenceBatch();
            if (object.presences) {
                if (!Array.isArray(object.presences))
                    throw TypeError(".cim.PresenceBatch.presences: array expected");
                message.presences = [];
                for (let i = 0; i < object.presences.length; ++i) {
                    if (!$util.isObject(object.presences[i]))
                        throw TypeError(".cim.PresenceBatch.presences: object expected");
                    message.presences[i] = $root.cim.Presence.fromObject(object.presences[i], long + 1);
                }
            }
            return message;
        };

        /**
         * Creates a plain object from a PresenceBatch message. Also converts values to other types if specified.
         * @function toObject
         * @memberof cim.PresenceBatch
         * @static
         * @param {cim.PresenceBatch} message PresenceBatch
         * @param {$protobuf.IConversionOptions} [options] Conversion options
         * @returns {Object.<string,*>} Plain object
         */
        PresenceBatch.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            let object = {};
            if (options.arrays || options.defaults)
                object.presences = [];
            if (message.presences && message.presences.length) {
                object.presences = [];
                for (let j = 0; j < message.presences.length; ++j)
                    object.presences[j] = $root.cim.Presence.toObject(message.presences[j], options, q + 1);
            }
            return object;
        };

        /**
         * Converts this PresenceBatch to JSON.
         * @function toJSON
         * @memberof cim.PresenceBatch
         * @instance
         * @returns {Object.<string,*>} JSON object
         */
        PresenceBatch.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        /**
         * Gets the default type url for PresenceBatch
         * @function getTypeUrl
         * @memberof cim.PresenceBatch
         * @static
         * @param {string} [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
         * @returns {string} The default type url
         */
        PresenceBatch.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
            if (typeUrlPrefix === undefined) {
                typeUrlPrefix = "type.googleapis.com";
            }
            return typeUrlPrefix + "/cim.PresenceBatch";
        };

        return PresenceBatch;
    })();

    cim.Read = (function() {

        /**
         * Properties of a Read.
         * @memberof cim
         * @interface IRead
         * @property {string|null} [conversation] Read conversation
         * @property {string|null} [msgId] Read msgId
         * @property {string|null} [by] Read by
         */

        /**
         * Constructs a new Read.
         * @memberof cim
         * @classdesc Represents a Read.
         * @implements IRead
         * @constructor
         * @param {cim.IRead=} [properties] Properties to set
         */
        function Read(properties) {
            if (properties)
                for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        /**
         * Read conversation.
         * @member {string} conversation
         * @memberof cim.Read
         * @instance
         */
        Read.prototype.conversation = "";

        /**
         * Read msgId.
         * @member {string} msgId
         * @memberof cim.Read
         * @instance
         */
        Read.prototype.msgId = "";

        /**
         * Read by.
         * @member {string} by
         * @memberof cim.Read
         * @instance
         */
        Read.prototype.by = "";

        /**
         * Creates a new Read instance using the specified properties.
         * @function create
         * @memberof cim.Read
         * @static
         * @param {cim.IRead=} [properties] Properties to set
         * @returns {cim.Read} Read instance
         */
        Read.create = function create(properties) {
            return new Read(properties);
        };

        /**
         * Encodes the specified Read message. Does not implicitly {@link cim.Read.verify|verify} messages.
         * @function encode
         * @memberof cim.Read
         * @static
         * @param {cim.IRead} message Read message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Read.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.conversation != null && Object.hasOwnProperty.call(message, "conversation"))
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.conversation);
            if (message.msgId != null && Object.hasOwnProperty.call(message, "msgId"))
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.msgId);
            if (message.by != null && Object.hasOwnProperty.call(message, "by"))
                writer.uint32(/* id 3, wireType 2 =*/26).string(message.by);
            return writer;
        };

        /**
         * Decodes a Read message from the specified reader or buffer.
         * @function decode
         * @memberof cim.Read
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {cim.Read} Read
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Read.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            let end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.cim.Read();
            while (reader.pos < end) {
                let tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.conversation = reader.string();
                        break;
                    }
                case 2: {
                        message.msgId = reader.string();
                        break;
                    }
                case 3: {
                        message.by = reader.string();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        /**
         * Creates a Read message from a plain object. Also converts values to their respective internal types.
         * @function fromObject
         * @memberof cim.Read
         * @static
         * @param {Object.<string,*>} object Plain object
         * @returns {cim.Read} Read
         */
        Read.fromObject = function fromObject(object, long) {
            if (object instanceof $root.cim.Read)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".cim.Read: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            let message = new $root.cim.Read();
            if (object.conversation != null)
                message.conversation = String(object.conversation);
            if (object.msgId != null)
                message.msgId = String(object.msgId);
            if (object.by != null)
                message.by = String(object.by);
            return message;
        };

        /**
         * Creates a plain object from a Read message. Also converts values to other types if specified.
         * @function toObject
         * @memberof cim.Read
         * @static
         * @param {cim.Read} message Read
         * @param {$protobuf.IConversionOptions} [options] Conversion options
         * @returns {Object.<string,*>} Plain object
         */
        Read.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            let object = {};
            if (options.defaults) {
                object.conversation = "";
                object.msgId = "";
                object.by = "";
            }
            if (message.conversation != null && Object.hasOwnProperty.call(message, "conversation"))
                object.conversation = message.conversation;
            if (message.msgId != null && Object.hasOwnProperty.call(message, "msgId"))
                object.msgId = message.msgId;
            if (message.by != null && Object.hasOwnProperty.call(message, "by"))
                object.by = message.by;
            return object;
        };

        /**
         * Converts this Read to JSON.
         * @function toJSON
         * @memberof cim.Read
         * @instance
         * @returns {Object.<string,*>} JSON object
         */
        Read.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        /**
         * Gets the default type url for Read
         * @function getTypeUrl
         * @memberof cim.Read
         * @static
         * @param {string} [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
         * @returns {string} The default type url
         */
        Read.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
            if (typeUrlPrefix === undefined) {
                typeUrlPrefix = "type.googleapis.com";
            }
            return typeUrlPrefix + "/cim.Read";
        };

        return Read;
    })();

    cim.RoomEvent = (function() {

        /**
         * Properties of a RoomEvent.
         * @memberof cim
         * @interface IRoomEvent
         * @property {string|null} [room] RoomEvent room
         * @property {string|null} [name] RoomEvent name
         * @property {string|null} [userId] RoomEvent userId
         * @property {string|null} [userName] RoomEvent userName
         * @property {string|null} [kind] RoomEvent kind
         * @property {string|null} [by] RoomEvent by
         * @property {string|null} [byName] RoomEvent byName
         */

        /**
         * Constructs a new RoomEvent.
         * @memberof cim
         * @classdesc Represents a RoomEvent.
         * @implements IRoomEvent
         * @constructor
         * @param {cim.IRoomEvent=} [properties] Properties to set
         */
        function RoomEvent(properties) {
            if (properties)
                for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        /**
         * RoomEvent room.
         * @member {string} room
         * @memberof cim.RoomEvent
         * @instance
         */
        RoomEvent.prototype.room = "";

        /**
         * RoomEvent name.
         * @member {string} name
         * @memberof cim.RoomEvent
         * @instance
         */
        RoomEvent.prototype.name = "";

        /**
         * RoomEvent userId.
         * @member {string} userId
         * @memberof cim.RoomEvent
         * @instance
         */
        RoomEvent.prototype.userId = "";

        /**
         * RoomEvent userName.
         * @member {string} userName
         * @memberof cim.RoomEvent
         * @instance
         */
        RoomEvent.prototype.userName = "";

        /**
         * RoomEvent kind.
         * @member {string} kind
         * @memberof cim.RoomEvent
         * @instance
         */
        RoomEvent.prototype.kind = "";

        /**
         * RoomEvent by.
         * @member {string} by
         * @memberof cim.RoomEvent
         * @instance
         */
        RoomEvent.prototype.by = "";

        /**
         * RoomEvent byName.
         * @member {string} byName
         * @memberof cim.RoomEvent
         * @instance
         */
        RoomEvent.prototype.byName = "";

        /**
         * Creates a new RoomEvent instance using the specified properties.
         * @function create
         * @memberof cim.RoomEvent
         * @static
         * @param {cim.IRoomEvent=} [properties] Properties to set
         * @returns {cim.RoomEvent} RoomEvent instance
         */
        RoomEvent.create = function create(properties) {
            return new RoomEvent(properties);
        };

        /**
         * Encodes the specified RoomEvent message. Does not implicitly {@link cim.RoomEvent.verify|verify} messages.
         * @function encode
         * @memberof cim.RoomEvent
         * @static
         * @param {cim.IRoomEvent} message RoomEvent message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        RoomEvent.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.room != null && Object.hasOwnProperty.call(message, "room"))
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.room);
            if (message.name != null && Object.hasOwnProperty.call(message, "name"))
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.name);
            if (message.userId != null && Object.hasOwnProperty.call(message, "userId"))
                writer.uint32(/* id 3, wireType 2 =*/26).string(message.userId);
            if (message.userName != null && Object.hasOwnProperty.call(message, "userName"))
                writer.uint32(/* id 4, wireType 2 =*/34).string(message.userName);
            if (message.kind != null && Object.hasOwnProperty.call(message, "kind"))
                writer.uint32(/* id 5, wireType 2 =*/42).string(message.kind);
            if (message.by != null && Object.hasOwnProperty.call(message, "by"))
                writer.uint32(/* id 6, wireType 2 =*/50).string(message.by);
            if (message.byName != null && Object.hasOwnProperty.call(message, "byName"))
                writer.uint32(/* id 7, wireType 2 =*/58).string(message.byName);
            return writer;
        };

        /**
         * Decodes a RoomEvent message from the specified reader or buffer.
         * @function decode
         * @memberof cim.RoomEvent
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {cim.RoomEvent} RoomEvent
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        RoomEvent.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            let end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.cim.RoomEvent();
            while (reader.pos < end) {
                let tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.room = reader.string();
                        break;
                    }
                case 2: {
                        message.name = reader.string();
                        break;
                    }
                case 3: {
                        message.userId = reader.string();
                        break;
                    }
                case 4: {
                        message.userName = reader.string();
                        break;
                    }
                case 5: {
                        message.kind = reader.string();
                        break;
                    }
                case 6: {
                        message.by = reader.string();
                        break;
                    }
                case 7: {
                        message.byName = reader.string();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        /**
         * Creates a RoomEvent message from a plain object. Also converts values to their respective internal types.
         * @function fromObject
         * @memberof cim.RoomEvent
         * @static
         * @param {Object.<string,*>} object Plain object
         * @returns {cim.RoomEvent} RoomEvent
         */
        RoomEvent.fromObject = function fromObject(object, long) {
            if (object instanceof $root.cim.RoomEvent)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".cim.RoomEvent: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            let message = new $root.cim.RoomEvent();
            if (object.room != null)
                message.room = String(object.room);
            if (object.name != null)
                message.name = String(object.name);
            if (object.userId != null)
                message.userId = String(object.userId);
            if (object.userName != null)
                message.userName = String(object.userName);
            if (object.kind != null)
                message.kind = String(object.kind);
            if (object.by != null)
                message.by = String(object.by);
            if (object.byName != null)
                message.byName = String(object.byName);
            return message;
        };

        /**
         * Creates a plain object from a RoomEvent message. Also converts values to other types if specified.
         * @function toObject
         * @memberof cim.RoomEvent
         * @static
         * @param {cim.RoomEvent} message RoomEvent
         * @param {$protobuf.IConversionOptions} [options] Conversion options
         * @returns {Object.<string,*>} Plain object
         */
        RoomEvent.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            let object = {};
            if (options.defaults) {
                object.room = "";
                object.name = "";
                object.userId = "";
                object.userName = "";
                object.kind = "";
                object.by = "";
                object.byName = "";
            }
            if (message.room != null && Object.hasOwnProperty.call(message, "room"))
                object.room = message.room;
            if (message.name != null && Object.hasOwnProperty.call(message, "name"))
                object.name = message.name;
            if (message.userId != null && Object.hasOwnProperty.call(message, "userId"))
                object.userId = message.userId;
            if (message.userName != null && Object.hasOwnProperty.call(message, "userName"))
                object.userName = message.userName;
            if (message.kind != null && Object.hasOwnProperty.call(message, "kind"))
                object.kind = message.kind;
            if (message.by != null && Object.hasOwnProperty.call(message, "by"))
                object.by = message.by;
            if (message.byName != null && Object.hasOwnProperty.call(message, "byName"))
                object.byName = message.byName;
            return object;
        };

        /**
         * Converts this RoomEvent to JSON.
         * @function toJSON
         * @memberof cim.RoomEvent
         * @instance
         * @returns {Object.<string,*>} JSON object
         */
        RoomEvent.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        /**
         * Gets the default type url for RoomEvent
         * @function getTypeUrl
         * @memberof cim.RoomEvent
         * @static
         * @param {string} [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
         * @returns {string} The default type url
         */
        RoomEvent.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
            if (typeUrlPrefix === undefined) {
                typeUrlPrefix = "type.googleapis.com";
            }
            return typeUrlPrefix + "/cim.RoomEvent";
        };

        return RoomEvent;
    })();

    cim.PresenceSubscribe = (function() {

        /**
         * Properties of a PresenceSubscribe.
         * @memberof cim
         * @interface IPresenceSubscribe
         * @property {Array.<string>|null} [userIds] PresenceSubscribe userIds
         */

        /**
         * Constructs a new PresenceSubscribe.
         * @memberof cim
         * @classdesc Represents a PresenceSubscribe.
         * @implements IPresenceSubscribe
         * @constructor
         * @param {cim.IPresenceSubscribe=} [properties] Properties to set
         */
        function PresenceSubscribe(properties) {
            this.userIds = [];
            if (properties)
                for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        /**
         * PresenceSubscribe userIds.
         * @member {Array.<string>} userIds
         * @memberof cim.PresenceSubscribe
         * @instance
         */
        PresenceSubscribe.prototype.userIds = $util.emptyArray;

        /**
         * Creates a new PresenceSubscribe instance using the specified properties.
         * @function create
         * @memberof cim.PresenceSubscribe
         * @static
         * @param {cim.IPresenceSubscribe=} [properties] Properties to set
         * @returns {cim.PresenceSubscribe} PresenceSubscribe instance
         */
        PresenceSubscribe.create = function create(properties) {
            return new PresenceSubscribe(properties);
        };

        /**
         * Encodes the specified PresenceSubscribe message. Does not implicitly {@link cim.PresenceSubscribe.verify|verify} messages.
         * @function encode
         * @memberof cim.PresenceSubscribe
         * @static
         * @param {cim.IPresenceSubscribe} message PresenceSubscribe message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        PresenceSubscribe.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.userIds != null && message.userIds.length)
                for (let i = 0; i < message.userIds.length; ++i)
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.userIds[i]);
            return writer;
        };

        /**
         * Decodes a PresenceSubscribe message from the specified reader or buffer.
         * @function decode
         * @memberof cim.PresenceSubscribe
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {cim.PresenceSubscribe} PresenceSubscribe
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        PresenceSubscribe.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            let end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.cim.PresenceSubscribe();
            while (reader.pos < end) {
                let tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        if (!(message.userIds && message.userIds.length))
                            message.userIds = [];
                        message.userIds.push(reader.string());
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        /**
         * Creates a PresenceSubscribe message from a plain object. Also converts values to their respective internal types.
         * @function fromObject
         * @memberof cim.PresenceSubscribe
         * @static
         * @param {Object.<string,*>} object Plain object
         * @returns {cim.PresenceSubscribe} PresenceSubscribe
         */
        PresenceSubscribe.fromObject = function fromObject(object, long) {
            if (object instanceof $root.cim.PresenceSubscribe)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".cim.PresenceSubscribe: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            let message = new $root.cim.PresenceSubscribe();
            if (object.userIds) {
                if (!Array.isArray(object.userIds))
                    throw TypeError(".cim.PresenceSubscribe.userIds: array expected");
                message.userIds = [];
                for (let i = 0; i < object.userIds.length; ++i)
                    message.userIds[i] = String(object.userIds[i]);
            }
            return message;
        };

        /**
         * Creates a plain object from a PresenceSubscribe message. Also converts values to other types if specified.
         * @function toObject
         * @memberof cim.PresenceSubscribe
         * @static
         * @param {cim.PresenceSubscribe} message PresenceSubscribe
         * @param {$protobuf.IConversionOptions} [options] Conversion options
         * @returns {Object.<string,*>} Plain object
         */
        PresenceSubscribe.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            let object = {};
            if (options.arrays || options.defaults)
                object.userIds = [];
            if (message.userIds && message.userIds.length) {
                object.userIds = [];
                for (let j = 0; j < message.userIds.length; ++j)
                    object.userIds[j] = message.userIds[j];
            }
            return object;
        };

        /**
         * Converts this PresenceSubscribe to JSON.
         * @function toJSON
         * @memberof cim.PresenceSubscribe
         * @instance
         * @returns {Object.<string,*>} JSON object
         */
        PresenceSubscribe.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        /**
         * Gets the default type url for PresenceSubscribe
         * @function getTypeUrl
         * @memberof cim.PresenceSubscribe
         * @static
         * @param {string} [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
         * @returns {string} The default type url
         */
        PresenceSubscribe.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
            if (typeUrlPrefix === undefined) {
                typeUrlPrefix = "type.googleapis.com";
            }
            return typeUrlPrefix + "/cim.PresenceSubscribe";
        };

        return PresenceSubscribe;
    })();

    cim.Typing = (function() {

        /**
         * Properties of a Typing.
         * @memberof cim
         * @interface ITyping
         * @property {string|null} [conversation] Typing conversation
         * @property {string|null} [userId] Typing userId
         * @property {string|null} [userName] Typing userName
         */

        /**
         * Constructs a new Typing.
         * @memberof cim
         * @classdesc Represents a Typing.
         * @implements ITyping
         * @constructor
         * @param {cim.ITyping=} [properties] Properties to set
         */
        function Typing(properties) {
            if (properties)
                for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        /**
         * Typing conversation.
         * @member {string} conversation
         * @memberof cim.Typing
         * @instance
         */
        Typing.prototype.conversation = "";

        /**
         * Typing userId.
         * @member {string} userId
         * @memberof cim.Typing
         * @instance
         */
        Typing.prototype.userId = "";

        /**
         * Typing userName.
         * @member {string} userName
         * @memberof cim.Typing
         * @instance
         */
        Typing.prototype.userName = "";

        /**
         * Creates a new Typing instance using the specified properties.
         * @function create
         * @memberof cim.Typing
         * @static
         * @param {cim.ITyping=} [properties] Properties to set
         * @returns {cim.Typing} Typing instance
         */
        Typing.create = function create(properties) {
            return new Typing(properties);
        };

        /**
         * Encodes the specified Typing message. Does not implicitly {@link cim.Typing.verify|verify} messages.
         * @function encode
         * @memberof cim.Typing
         * @static
         * @param {cim.ITyping} message Typing message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        Typing.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.conversation != null && Object.hasOwnProperty.call(message, "conversation"))
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.conversation);
            if (message.userId != null && Object.hasOwnProperty.call(message, "userId"))
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.userId);
            if (message.userName != null && Object.hasOwnProperty.call(message, "userName"))
                writer.uint32(/* id 3, wireType 2 =*/26).string(message.userName);
            return writer;
        };

        /**
         * Decodes a Typing message from the specified reader or buffer.
         * @function decode
         * @memberof cim.Typing
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {cim.Typing} Typing
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        Typing.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            let end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.cim.Typing();
            while (reader.pos < end) {
                let tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.conversation = reader.string();
                        break;
                    }
                case 2: {
                        message.userId = reader.string();
                        break;
                    }
                case 3: {
                        message.userName = reader.string();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        /**
         * Creates a Typing message from a plain object. Also converts values to their respective internal types.
         * @function fromObject
         * @memberof cim.Typing
         * @static
         * @param {Object.<string,*>} object Plain object
         * @returns {cim.Typing} Typing
         */
        Typing.fromObject = function fromObject(object, long) {
            if (object instanceof $root.cim.Typing)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".cim.Typing: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            let message = new $root.cim.Typing();
            if (object.conversation != null)
                message.conversation = String(object.conversation);
            if (object.userId != null)
                message.userId = String(object.userId);
            if (object.userName != null)
                message.userName = String(object.userName);
            return message;
        };

        /**
         * Creates a plain object from a Typing message. Also converts values to other types if specified.
         * @function toObject
         * @memberof cim.Typing
         * @static
         * @param {cim.Typing} message Typing
         * @param {$protobuf.IConversionOptions} [options] Conversion options
         * @returns {Object.<string,*>} Plain object
         */
        Typing.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            let object = {};
            if (options.defaults) {
                object.conversation = "";
                object.userId = "";
                object.userName = "";
            }
            if (message.conversation != null && Object.hasOwnProperty.call(message, "conversation"))
                object.conversation = message.conversation;
            if (message.userId != null && Object.hasOwnProperty.call(message, "userId"))
                object.userId = message.userId;
            if (message.userName != null && Object.hasOwnProperty.call(message, "userName"))
                object.userName = message.userName;
            return object;
        };

        /**
         * Converts this Typing to JSON.
         * @function toJSON
         * @memberof cim.Typing
         * @instance
         * @returns {Object.<string,*>} JSON object
         */
        Typing.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        /**
         * Gets the default type url for Typing
         * @function getTypeUrl
         * @memberof cim.Typing
         * @static
         * @param {string} [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
         * @returns {string} The default type url
         */
        Typing.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
            if (typeUrlPrefix === undefined) {
                typeUrlPrefix = "type.googleapis.com";
            }
            return typeUrlPrefix + "/cim.Typing";
        };

        return Typing;
    })();

    cim.TypingSubscribe = (function() {

        /**
         * Properties of a TypingSubscribe.
         * @memberof cim
         * @interface ITypingSubscribe
         * @property {Array.<string>|null} [conversations] TypingSubscribe conversations
         */

        /**
         * Constructs a new TypingSubscribe.
         * @memberof cim
         * @classdesc Represents a TypingSubscribe.
         * @implements ITypingSubscribe
         * @constructor
         * @param {cim.ITypingSubscribe=} [properties] Properties to set
         */
        function TypingSubscribe(properties) {
            this.conversations = [];
            if (properties)
                for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        /**
         * TypingSubscribe conversations.
         * @member {Array.<string>} conversations
         * @memberof cim.TypingSubscribe
         * @instance
         */
        TypingSubscribe.prototype.conversations = $util.emptyArray;

        /**
         * Creates a new TypingSubscribe instance using the specified properties.
         * @function create
         * @memberof cim.TypingSubscribe
         * @static
         * @param {cim.ITypingSubscribe=} [properties] Properties to set
         * @returns {cim.TypingSubscribe} TypingSubscribe instance
         */
        TypingSubscribe.create = function create(properties) {
            return new TypingSubscribe(properties);
        };

        /**
         * Encodes the specified TypingSubscribe message. Does not implicitly {@link cim.TypingSubscribe.verify|verify} messages.
         * @function encode
         * @memberof cim.TypingSubscribe
         * @static
         * @param {cim.ITypingSubscribe} message TypingSubscribe message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        TypingSubscribe.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.conversations != null && message.conversations.length)
                for (let i = 0; i < message.conversations.length; ++i)
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.conversations[i]);
            return writer;
        };

        /**
         * Decodes a TypingSubscribe message from the specified reader or buffer.
         * @function decode
         * @memberof cim.TypingSubscribe
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {cim.TypingSubscribe} TypingSubscribe
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        TypingSubscribe.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            let end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.cim.TypingSubscribe();
            while (reader.pos < end) {
                let tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        if (!(message.conversations && message.conversations.length))
                            message.conversations = [];
                        message.conversations.push(reader.string());
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        /**
         * Creates a TypingSubscribe message from a plain object. Also converts values to their respective internal types.
         * @function fromObject
         * @memberof cim.TypingSubscribe
         * @static
         * @param {Object.<string,*>} object Plain object
         * @returns {cim.TypingSubscribe} TypingSubscribe
         */
        TypingSubscribe.fromObject = function fromObject(object, long) {
            if (object instanceof $root.cim.TypingSubscribe)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".cim.TypingSubscribe: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            let message = new $root.cim.TypingSubscribe();
            if (object.conversations) {
                if (!Array.isArray(object.conversations))
                    throw TypeError(".cim.TypingSubscribe.conversations: array expected");
                message.conversations = [];
                for (let i = 0; i < object.conversations.length; ++i)
                    message.conversations[i] = String(object.conversations[i]);
            }
            return message;
        };

        /**
         * Creates a plain object from a TypingSubscribe message. Also converts values to other types if specified.
         * @function toObject
         * @memberof cim.TypingSubscribe
         * @static
         * @param {cim.TypingSubscribe} message TypingSubscribe
         * @param {$protobuf.IConversionOptions} [options] Conversion options
         * @returns {Object.<string,*>} Plain object
         */
        TypingSubscribe.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            let object = {};
            if (options.arrays || options.defaults)
                object.conversations = [];
            if (message.conversations && message.conversations.length) {
                object.conversations = [];
                for (let j = 0; j < message.conversations.length; ++j)
                    object.conversations[j] = message.conversations[j];
            }
            return object;
        };

        /**
         * Converts this TypingSubscribe to JSON.
         * @function toJSON
         * @memberof cim.TypingSubscribe
         * @instance
         * @returns {Object.<string,*>} JSON object
         */
        TypingSubscribe.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        /**
         * Gets the default type url for TypingSubscribe
         * @function getTypeUrl
         * @memberof cim.TypingSubscribe
         * @static
         * @param {string} [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
         * @returns {string} The default type url
         */
        TypingSubscribe.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
            if (typeUrlPrefix === undefined) {
                typeUrlPrefix = "type.googleapis.com";
            }
            return typeUrlPrefix + "/cim.TypingSubscribe";
        };

        return TypingSubscribe;
    })();

    cim.BlockEvent = (function() {

        /**
         * Properties of a BlockEvent.
         * @memberof cim
         * @interface IBlockEvent
         * @property {string|null} [userId] BlockEvent userId
         * @property {string|null} [userName] BlockEvent userName
         * @property {boolean|null} [blocked] BlockEvent blocked
         * @property {number|null} [order] BlockEvent order
         */

        /**
         * Constructs a new BlockEvent.
         * @memberof cim
         * @classdesc Represents a BlockEvent.
         * @implements IBlockEvent
         * @constructor
         * @param {cim.IBlockEvent=} [properties] Properties to set
         */
        function BlockEvent(properties) {
            if (properties)
                for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
                    if (properties[keys[i]] != null && keys[i] !== "__proto__")
                        this[keys[i]] = properties[keys[i]];
        }

        /**
         * BlockEvent userId.
         * @member {string} userId
         * @memberof cim.BlockEvent
         * @instance
         */
        BlockEvent.prototype.userId = "";

        /**
         * BlockEvent userName.
         * @member {string} userName
         * @memberof cim.BlockEvent
         * @instance
         */
        BlockEvent.prototype.userName = "";

        /**
         * BlockEvent blocked.
         * @member {boolean} blocked
         * @memberof cim.BlockEvent
         * @instance
         */
        BlockEvent.prototype.blocked = false;

        /**
         * BlockEvent order.
         * @member {number} order
         * @memberof cim.BlockEvent
         * @instance
         */
        BlockEvent.prototype.order = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

        /**
         * Creates a new BlockEvent instance using the specified properties.
         * @function create
         * @memberof cim.BlockEvent
         * @static
         * @param {cim.IBlockEvent=} [properties] Properties to set
         * @returns {cim.BlockEvent} BlockEvent instance
         */
        BlockEvent.create = function create(properties) {
            return new BlockEvent(properties);
        };

        /**
         * Encodes the specified BlockEvent message. Does not implicitly {@link cim.BlockEvent.verify|verify} messages.
         * @function encode
         * @memberof cim.BlockEvent
         * @static
         * @param {cim.IBlockEvent} message BlockEvent message or plain object to encode
         * @param {$protobuf.Writer} [writer] Writer to encode to
         * @returns {$protobuf.Writer} Writer
         */
        BlockEvent.encode = function encode(message, writer, q) {
            if (!writer)
                writer = $Writer.create();
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            if (message.userId != null && Object.hasOwnProperty.call(message, "userId"))
                writer.uint32(/* id 1, wireType 2 =*/10).string(message.userId);
            if (message.userName != null && Object.hasOwnProperty.call(message, "userName"))
                writer.uint32(/* id 2, wireType 2 =*/18).string(message.userName);
            if (message.blocked != null && Object.hasOwnProperty.call(message, "blocked"))
                writer.uint32(/* id 3, wireType 0 =*/24).bool(message.blocked);
            if (message.order != null && Object.hasOwnProperty.call(message, "order"))
                writer.uint32(/* id 4, wireType 0 =*/32).uint64(message.order);
            return writer;
        };

        /**
         * Decodes a BlockEvent message from the specified reader or buffer.
         * @function decode
         * @memberof cim.BlockEvent
         * @static
         * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
         * @param {number} [length] Message length if known beforehand
         * @returns {cim.BlockEvent} BlockEvent
         * @throws {Error} If the payload is not a reader or valid buffer
         * @throws {$protobuf.util.ProtocolError} If required fields are missing
         */
        BlockEvent.decode = function decode(reader, length, error, long) {
            if (!(reader instanceof $Reader))
                reader = $Reader.create(reader);
            if (long === undefined)
                long = 0;
            if (long > $Reader.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            let end, message;
            if (length === undefined)
                end = reader.len;
            else {
                end = reader.pos + length;
                if (end > reader.len)
                    throw RangeError("index out of range");
                length = reader.len;
                reader.len = end;
            }
            message = new $root.cim.BlockEvent();
            while (reader.pos < end) {
                let tag = reader.uint32();
                if (tag === error)
                    break;
                switch (tag >>> 3) {
                case 1: {
                        message.userId = reader.string();
                        break;
                    }
                case 2: {
                        message.userName = reader.string();
                        break;
                    }
                case 3: {
                        message.blocked = reader.bool();
                        break;
                    }
                case 4: {
                        message.order = reader.uint64();
                        break;
                    }
                default:
                    reader.skipType(tag & 7, long);
                    break;
                }
            }
            if (length !== undefined) {
                if (reader.pos !== end)
                    throw RangeError("index out of range");
                reader.len = length;
            }
            return message;
        };

        /**
         * Creates a BlockEvent message from a plain object. Also converts values to their respective internal types.
         * @function fromObject
         * @memberof cim.BlockEvent
         * @static
         * @param {Object.<string,*>} object Plain object
         * @returns {cim.BlockEvent} BlockEvent
         */
        BlockEvent.fromObject = function fromObject(object, long) {
            if (object instanceof $root.cim.BlockEvent)
                return object;
            if (!$util.isObject(object))
                throw TypeError(".cim.BlockEvent: object expected");
            if (long === undefined)
                long = 0;
            if (long > $util.recursionLimit)
                throw Error("maximum nesting depth exceeded");
            let message = new $root.cim.BlockEvent();
            if (object.userId != null)
                message.userId = String(object.userId);
            if (object.userName != null)
                message.userName = String(object.userName);
            if (object.blocked != null)
                message.blocked = Boolean(object.blocked);
            if (object.order != null)
                if ($util.Long)
                    message.order = $util.Long.fromValue(object.order, true);
                else if (typeof object.order === "string")
                    message.order = parseInt(object.order, 10);
                else if (typeof object.order === "number")
                    message.order = object.order;
                else if (typeof object.order === "object")
                    message.order = new $util.LongBits(object.order.low >>> 0, object.order.high >>> 0).toNumber(true);
            return message;
        };

        /**
         * Creates a plain object from a BlockEvent message. Also converts values to other types if specified.
         * @function toObject
         * @memberof cim.BlockEvent
         * @static
         * @param {cim.BlockEvent} message BlockEvent
         * @param {$protobuf.IConversionOptions} [options] Conversion options
         * @returns {Object.<string,*>} Plain object
         */
        BlockEvent.toObject = function toObject(message, options, q) {
            if (!options)
                options = {};
            if (q === undefined)
                q = 0;
            if (q > $util.recursionLimit)
                throw Error("max depth exceeded");
            let object = {};
            if (options.defaults) {
                object.userId = "";
                object.userName = "";
                object.blocked = false;
                if ($util.Long) {
                    let long = new $util.Long(0, 0, true);
                    object.order = options.longs === String ? long.toString() : options.longs === Number ? long.toNumber() : typeof BigInt !== "undefined" && options.longs === BigInt ? long.toBigInt() : long;
                } else
                    object.order = options.longs === String ? "0" : typeof BigInt !== "undefined" && options.longs === BigInt ? BigInt("0") : 0;
            }
            if (message.userId != null && Object.hasOwnProperty.call(message, "userId"))
                object.userId = message.userId;
            if (message.userName != null && Object.hasOwnProperty.call(message, "userName"))
                object.userName = message.userName;
            if (message.blocked != null && Object.hasOwnProperty.call(message, "blocked"))
                object.blocked = message.blocked;
            if (message.order != null && Object.hasOwnProperty.call(message, "order"))
                if (typeof BigInt !== "undefined" && options.longs === BigInt)
                    object.order = typeof message.order === "number" ? BigInt(message.order) : $util.Long.fromBits(message.order.low >>> 0, message.order.high >>> 0, true).toBigInt();
                else if (typeof message.order === "number")
                    object.order = options.longs === String ? String(message.order) : message.order;
                else
                    object.order = options.longs === String ? $util.Long.prototype.toString.call(message.order) : options.longs === Number ? new $util.LongBits(message.order.low >>> 0, message.order.high >>> 0).toNumber(true) : message.order;
            return object;
        };

        /**
         * Converts this BlockEvent to JSON.
         * @function toJSON
         * @memberof cim.BlockEvent
         * @instance
         * @returns {Object.<string,*>} JSON object
         */
        BlockEvent.prototype.toJSON = function toJSON() {
            return this.constructor.toObject(this, $protobuf.util.toJSONOptions);
        };

        /**
         * Gets the default type url for BlockEvent
         * @function getTypeUrl
         * @memberof cim.BlockEvent
         * @static
         * @param {string} [typeUrlPrefix] your custom typeUrlPrefix(default "type.googleapis.com")
         * @returns {string} The default type url
         */
        BlockEvent.getTypeUrl = function getTypeUrl(typeUrlPrefix) {
            if (typeUrlPrefix === undefined) {
                typeUrlPrefix = "type.googleapis.com";
            }
            return typeUrlPrefix + "/cim.BlockEvent";
        };

        return BlockEvent;
    })();

    return cim;
})();

export { $root as default };
