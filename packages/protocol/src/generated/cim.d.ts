import * as $protobuf from "protobufjs";
import Long = require("long");
export namespace cim {

    interface IFrame {
        login?: (cim.ILogin|null);
        loginAck?: (cim.ILoginAck|null);
        error?: (cim.IError|null);
        ping?: (cim.IPing|null);
        pong?: (cim.IPong|null);
        send?: (cim.ISend|null);
        sendAck?: (cim.ISendAck|null);
        message?: (cim.IMessage|null);
        delivered?: (cim.IDelivered|null);
        presence?: (cim.IPresence|null);
        messageBatch?: (cim.IMessageBatch|null);
        presenceBatch?: (cim.IPresenceBatch|null);
        read?: (cim.IRead|null);
        roomEvent?: (cim.IRoomEvent|null);
        presenceSubscribe?: (cim.IPresenceSubscribe|null);
        typing?: (cim.ITyping|null);
        blockEvent?: (cim.IBlockEvent|null);
        typingSubscribe?: (cim.ITypingSubscribe|null);
    }

    class Frame implements IFrame {
        constructor(properties?: cim.IFrame);
        public login?: (cim.ILogin|null);
        public loginAck?: (cim.ILoginAck|null);
        public error?: (cim.IError|null);
        public ping?: (cim.IPing|null);
        public pong?: (cim.IPong|null);
        public send?: (cim.ISend|null);
        public sendAck?: (cim.ISendAck|null);
        public message?: (cim.IMessage|null);
        public delivered?: (cim.IDelivered|null);
        public presence?: (cim.IPresence|null);
        public messageBatch?: (cim.IMessageBatch|null);
        public presenceBatch?: (cim.IPresenceBatch|null);
        public read?: (cim.IRead|null);
        public roomEvent?: (cim.IRoomEvent|null);
        public presenceSubscribe?: (cim.IPresenceSubscribe|null);
        public typing?: (cim.ITyping|null);
        public blockEvent?: (cim.IBlockEvent|null);
        public typingSubscribe?: (cim.ITypingSubscribe|null);
        public body?: ("login"|"loginAck"|"error"|"ping"|"pong"|"send"|"sendAck"|"message"|"delivered"|"presence"|"messageBatch"|"presenceBatch"|"read"|"roomEvent"|"presenceSubscribe"|"typing"|"blockEvent"|"typingSubscribe");
        public static create(properties?: cim.IFrame): cim.Frame;
        public static encode(message: cim.IFrame, writer?: $protobuf.Writer): $protobuf.Writer;
        public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cim.Frame;
        public static fromObject(object: { [k: string]: any }): cim.Frame;
        public static toObject(message: cim.Frame, options?: $protobuf.IConversionOptions): { [k: string]: any };
        public toJSON(): { [k: string]: any };
        public static getTypeUrl(typeUrlPrefix?: string): string;
    }

    interface ILogin {
        token?: (string|null);
        groupAfter?: (string|null);
        inboxAfter?: (string|null);
        rooms?: (cim.IRoomCursor[]|null);
        messageBatches?: (boolean|null);
    }

    class Login implements ILogin {
        constructor(properties?: cim.ILogin);
        public token: string;
        public groupAfter: string;
        public inboxAfter: string;
        public rooms: cim.IRoomCursor[];
        public messageBatches: boolean;
        public static create(properties?: cim.ILogin): cim.Login;
        public static encode(message: cim.ILogin, writer?: $protobuf.Writer): $protobuf.Writer;
        public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cim.Login;
        public static fromObject(object: { [k: string]: any }): cim.Login;
        public static toObject(message: cim.Login, options?: $protobuf.IConversionOptions): { [k: string]: any };
        public toJSON(): { [k: string]: any };
        public static getTypeUrl(typeUrlPrefix?: string): string;
    }

    interface IRoomCursor {
        room?: (string|null);
        after?: (string|null);
    }

    class RoomCursor implements IRoomCursor {
        constructor(properties?: cim.IRoomCursor);
        public room: string;
        public after: string;
        public static create(properties?: cim.IRoomCursor): cim.RoomCursor;
        public static encode(message: cim.IRoomCursor, writer?: $protobuf.Writer): $protobuf.Writer;
        public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cim.RoomCursor;
        public static fromObject(object: { [k: string]: any }): cim.RoomCursor;
        public static toObject(message: cim.RoomCursor, options?: $protobuf.IConversionOptions): { [k: string]: any };
        public toJSON(): { [k: string]: any };
        public static getTypeUrl(typeUrlPrefix?: string): string;
    }

    interface ILoginAck {
        userId?: (string|null);
        userName?: (string|null);
        gatewayId?: (string|null);
        serverTime?: (number|null);
        heartbeatMs?: (number|null);
        groupPosition?: (string|null);
        inboxPosition?: (string|null);
        rooms?: (cim.IRoomCursor[]|null);
        ratePerSec?: (number|null);
        rateBurst?: (number|null);
        maxSendsInFlight?: (number|null);
        typingSubscribe?: (boolean|null);
    }

    class LoginAck implements ILoginAck {
        constructor(properties?: cim.ILoginAck);
        public userId: string;
        public userName: string;
        public gatewayId: string;
        public serverTime: number;
        public heartbeatMs: number;
        public groupPosition: string;
        public inboxPosition: string;
        public rooms: cim.IRoomCursor[];
        public ratePerSec: number;
        public rateBurst: number;
        public maxSendsInFlight: number;
        public typingSubscribe: boolean;
        public static create(properties?: cim.ILoginAck): cim.LoginAck;
        public static encode(message: cim.ILoginAck, writer?: $protobuf.Writer): $protobuf.Writer;
        public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cim.LoginAck;
        public static fromObject(object: { [k: string]: any }): cim.LoginAck;
        public static toObject(message: cim.LoginAck, options?: $protobuf.IConversionOptions): { [k: string]: any };
        public toJSON(): { [k: string]: any };
        public static getTypeUrl(typeUrlPrefix?: string): string;
    }

    interface IError {
        code?: (string|null);
        message?: (string|null);
        clientMsgId?: (string|null);
    }

    class Error implements IError {
        constructor(properties?: cim.IError);
        public code: string;
        public message: string;
        public clientMsgId: string;
        public static create(properties?: cim.IError): cim.Error;
        public static encode(message: cim.IError, writer?: $protobuf.Writer): $protobuf.Writer;
        public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cim.Error;
        public static fromObject(object: { [k: string]: any }): cim.Error;
        public static toObject(message: cim.Error, options?: $protobuf.IConversionOptions): { [k: string]: any };
        public toJSON(): { [k: string]: any };
        public static getTypeUrl(typeUrlPrefix?: string): string;
    }

    interface IPing {
        ts?: (number|null);
    }

    class Ping implements IPing {
        constructor(properties?: cim.IPing);
        public ts: number;
        public static create(properties?: cim.IPing): cim.Ping;
        public static encode(message: cim.IPing, writer?: $protobuf.Writer): $protobuf.Writer;
        public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cim.Ping;
        public static fromObject(object: { [k: string]: any }): cim.Ping;
        public static toObject(message: cim.Ping, options?: $protobuf.IConversionOptions): { [k: string]: any };
        public toJSON(): { [k: string]: any };
        public static getTypeUrl(typeUrlPrefix?: string): string;
    }

    interface IPong {
        ts?: (number|null);
    }

    class Pong implements IPong {
        constructor(properties?: cim.IPong);
        public ts: number;
        public static create(properties?: cim.IPong): cim.Pong;
        public static encode(message: cim.IPong, writer?: $protobuf.Writer): $protobuf.Writer;
        public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cim.Pong;
        public static fromObject(object: { [k: string]: any }): cim.Pong;
        public static toObject(message: cim.Pong, options?: $protobuf.IConversionOptions): { [k: string]: any };
        public toJSON(): { [k: string]: any };
        public static getTypeUrl(typeUrlPrefix?: string): string;
    }

    interface ISend {
        clientMsgId?: (string|null);
        to?: (string|null);
        text?: (string|null);
        room?: (string|null);
        replyTo?: (string|null);
        editOf?: (string|null);
        "delete"?: (boolean|null);
        reactTo?: (string|null);
        reaction?: (string|null);
    }

    class Send implements ISend {
        constructor(properties?: cim.ISend);
        public clientMsgId: string;
        public to: string;
        public text: string;
        public room: string;
        public replyTo: string;
        public editOf: string;
        public delete: boolean;
        public reactTo: string;
        public reaction: string;
        public static create(properties?: cim.ISend): cim.Send;
        public static encode(message: cim.ISend, writer?: $protobuf.Writer): $protobuf.Writer;
        public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cim.Send;
        public static fromObject(object: { [k: string]: any }): cim.Send;
        public static toObject(message: cim.Send, options?: $protobuf.IConversionOptions): { [k: string]: any };
        public toJSON(): { [k: string]: any };
        public static getTypeUrl(typeUrlPrefix?: string): string;
    }

    interface ISendAck {
        clientMsgId?: (string|null);
        msgId?: (string|null);
        ts?: (number|null);
    }

    class SendAck implements ISendAck {
        constructor(properties?: cim.ISendAck);
        public clientMsgId: string;
        public msgId: string;
        public ts: number;
        public static create(properties?: cim.ISendAck): cim.SendAck;
        public static encode(message: cim.ISendAck, writer?: $protobuf.Writer): $protobuf.Writer;
        public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cim.SendAck;
        public static fromObject(object: { [k: string]: any }): cim.SendAck;
        public static toObject(message: cim.SendAck, options?: $protobuf.IConversionOptions): { [k: string]: any };
        public toJSON(): { [k: string]: any };
        public static getTypeUrl(typeUrlPrefix?: string): string;
    }

    interface IMessage {
        msgId?: (string|null);
        from?: (string|null);
        fromName?: (string|null);
        to?: (string|null);
        text?: (string|null);
        ts?: (number|null);
        room?: (string|null);
        replyTo?: (string|null);
        editOf?: (string|null);
        deleted?: (boolean|null);
        reactTo?: (string|null);
        reaction?: (string|null);
        replyFrom?: (string|null);
        replyFromName?: (string|null);
        replyText?: (string|null);
    }

    class Message implements IMessage {
        constructor(properties?: cim.IMessage);
        public msgId: string;
        public from: string;
        public fromName: string;
        public to: string;
        public text: string;
        public ts: number;
        public room: string;
        public replyTo: string;
        public editOf: string;
        public deleted: boolean;
        public reactTo: string;
        public reaction: string;
        public replyFrom: string;
        public replyFromName: string;
        public replyText: string;
        public static create(properties?: cim.IMessage): cim.Message;
        public static encode(message: cim.IMessage, writer?: $protobuf.Writer): $protobuf.Writer;
        public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cim.Message;
        public static fromObject(object: { [k: string]: any }): cim.Message;
        public static toObject(message: cim.Message, options?: $protobuf.IConversionOptions): { [k: string]: any };
        public toJSON(): { [k: string]: any };
        public static getTypeUrl(typeUrlPrefix?: string): string;
    }

    interface IDelivered {
        msgId?: (string|null);
        by?: (string|null);
        from?: (string|null);
    }

    class Delivered implements IDelivered {
        constructor(properties?: cim.IDelivered);
        public msgId: string;
        public by: string;
        public from: string;
        public static create(properties?: cim.IDelivered): cim.Delivered;
        public static encode(message: cim.IDelivered, writer?: $protobuf.Writer): $protobuf.Writer;
        public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cim.Delivered;
        public static fromObject(object: { [k: string]: any }): cim.Delivered;
        public static toObject(message: cim.Delivered, options?: $protobuf.IConversionOptions): { [k: string]: any };
        public toJSON(): { [k: string]: any };
        public static getTypeUrl(typeUrlPrefix?: string): string;
    }

    interface IPresence {
        userId?: (string|null);
        userName?: (string|null);
        online?: (boolean|null);
    }

    class Presence implements IPresence {
        constructor(properties?: cim.IPresence);
        public userId: string;
        public userName: string;
        public online: boolean;
        public static create(properties?: cim.IPresence): cim.Presence;
        public static encode(message: cim.IPresence, writer?: $protobuf.Writer): $protobuf.Writer;
        public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cim.Presence;
        public static fromObject(object: { [k: string]: any }): cim.Presence;
        public static toObject(message: cim.Presence, options?: $protobuf.IConversionOptions): { [k: string]: any };
        public toJSON(): { [k: string]: any };
        public static getTypeUrl(typeUrlPrefix?: string): string;
    }

    interface IMessageBatch {
        messages?: (cim.IMessage[]|null);
    }

    class MessageBatch implements IMessageBatch {
        constructor(properties?: cim.IMessageBatch);
        public messages: cim.IMessage[];
        public static create(properties?: cim.IMessageBatch): cim.MessageBatch;
        public static encode(message: cim.IMessageBatch, writer?: $protobuf.Writer): $protobuf.Writer;
        public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cim.MessageBatch;
        public static fromObject(object: { [k: string]: any }): cim.MessageBatch;
        public static toObject(message: cim.MessageBatch, options?: $protobuf.IConversionOptions): { [k: string]: any };
        public toJSON(): { [k: string]: any };
        public static getTypeUrl(typeUrlPrefix?: string): string;
    }

    interface IPresenceBatch {
        presences?: (cim.IPresence[]|null);
    }

    class PresenceBatch implements IPresenceBatch {
        constructor(properties?: cim.IPresenceBatch);
        public presences: cim.IPresence[];
        public static create(properties?: cim.IPresenceBatch): cim.PresenceBatch;
        public static encode(message: cim.IPresenceBatch, writer?: $protobuf.Writer): $protobuf.Writer;
        public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cim.PresenceBatch;
        public static fromObject(object: { [k: string]: any }): cim.PresenceBatch;
        public static toObject(message: cim.PresenceBatch, options?: $protobuf.IConversionOptions): { [k: string]: any };
        public toJSON(): { [k: string]: any };
        public static getTypeUrl(typeUrlPrefix?: string): string;
    }

    interface IRead {
        conversation?: (string|null);
        msgId?: (string|null);
        by?: (string|null);
    }

    class Read implements IRead {
        constructor(properties?: cim.IRead);
        public conversation: string;
        public msgId: string;
        public by: string;
        public static create(properties?: cim.IRead): cim.Read;
        public static encode(message: cim.IRead, writer?: $protobuf.Writer): $protobuf.Writer;
        public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cim.Read;
        public static fromObject(object: { [k: string]: any }): cim.Read;
        public static toObject(message: cim.Read, options?: $protobuf.IConversionOptions): { [k: string]: any };
        public toJSON(): { [k: string]: any };
        public static getTypeUrl(typeUrlPrefix?: string): string;
    }

    interface IRoomEvent {
        room?: (string|null);
        name?: (string|null);
        userId?: (string|null);
        userName?: (string|null);
        kind?: (string|null);
        by?: (string|null);
        byName?: (string|null);
    }

    class RoomEvent implements IRoomEvent {
        constructor(properties?: cim.IRoomEvent);
        public room: string;
        public name: string;
        public userId: string;
        public userName: string;
        public kind: string;
        public by: string;
        public byName: string;
        public static create(properties?: cim.IRoomEvent): cim.RoomEvent;
        public static encode(message: cim.IRoomEvent, writer?: $protobuf.Writer): $protobuf.Writer;
        public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cim.RoomEvent;
        public static fromObject(object: { [k: string]: any }): cim.RoomEvent;
        public static toObject(message: cim.RoomEvent, options?: $protobuf.IConversionOptions): { [k: string]: any };
        public toJSON(): { [k: string]: any };
        public static getTypeUrl(typeUrlPrefix?: string): string;
    }

    interface IPresenceSubscribe {
        userIds?: (string[]|null);
    }

    class PresenceSubscribe implements IPresenceSubscribe {
        constructor(properties?: cim.IPresenceSubscribe);
        public userIds: string[];
        public static create(properties?: cim.IPresenceSubscribe): cim.PresenceSubscribe;
        public static encode(message: cim.IPresenceSubscribe, writer?: $protobuf.Writer): $protobuf.Writer;
        public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cim.PresenceSubscribe;
        public static fromObject(object: { [k: string]: any }): cim.PresenceSubscribe;
        public static toObject(message: cim.PresenceSubscribe, options?: $protobuf.IConversionOptions): { [k: string]: any };
        public toJSON(): { [k: string]: any };
        public static getTypeUrl(typeUrlPrefix?: string): string;
    }

    interface ITyping {
        conversation?: (string|null);
        userId?: (string|null);
        userName?: (string|null);
    }

    class Typing implements ITyping {
        constructor(properties?: cim.ITyping);
        public conversation: string;
        public userId: string;
        public userName: string;
        public static create(properties?: cim.ITyping): cim.Typing;
        public static encode(message: cim.ITyping, writer?: $protobuf.Writer): $protobuf.Writer;
        public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cim.Typing;
        public static fromObject(object: { [k: string]: any }): cim.Typing;
        public static toObject(message: cim.Typing, options?: $protobuf.IConversionOptions): { [k: string]: any };
        public toJSON(): { [k: string]: any };
        public static getTypeUrl(typeUrlPrefix?: string): string;
    }

    interface ITypingSubscribe {
        conversations?: (string[]|null);
    }

    class TypingSubscribe implements ITypingSubscribe {
        constructor(properties?: cim.ITypingSubscribe);
        public conversations: string[];
        public static create(properties?: cim.ITypingSubscribe): cim.TypingSubscribe;
        public static encode(message: cim.ITypingSubscribe, writer?: $protobuf.Writer): $protobuf.Writer;
        public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cim.TypingSubscribe;
        public static fromObject(object: { [k: string]: any }): cim.TypingSubscribe;
        public static toObject(message: cim.TypingSubscribe, options?: $protobuf.IConversionOptions): { [k: string]: any };
        public toJSON(): { [k: string]: any };
        public static getTypeUrl(typeUrlPrefix?: string): string;
    }

    interface IBlockEvent {
        userId?: (string|null);
        userName?: (string|null);
        blocked?: (boolean|null);
        order?: (number|null);
    }

    class BlockEvent implements IBlockEvent {
        constructor(properties?: cim.IBlockEvent);
        public userId: string;
        public userName: string;
        public blocked: boolean;
        public order: number;
        public static create(properties?: cim.IBlockEvent): cim.BlockEvent;
        public static encode(message: cim.IBlockEvent, writer?: $protobuf.Writer): $protobuf.Writer;
        public static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cim.BlockEvent;
        public static fromObject(object: { [k: string]: any }): cim.BlockEvent;
        public static toObject(message: cim.BlockEvent, options?: $protobuf.IConversionOptions): { [k: string]: any };
        public toJSON(): { [k: string]: any };
        public static getTypeUrl(typeUrlPrefix?: string): string;
    }
}
