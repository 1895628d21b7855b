/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PSW_VERSION_H
#define _PSW_VERSION_H

#define PSW_VERSION "0.2.0"

#endif /* _PSW_VERSION_H */
