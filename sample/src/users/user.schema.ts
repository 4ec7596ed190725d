import { Schema } from 'mongoose';

/** The Mongoose shape of a user (a numeric `id` keeps the tasks store-agnostic). */
export interface UserDocument {
  id: number;
  name: string;
  slug: string | null;
}

export const USER_MODEL = 'User';

export const UserSchema = new Schema<UserDocument>({
  id: { type: Number, required: true, unique: true },
  name: { type: String, required: true },
  slug: { type: String, default: null },
});
