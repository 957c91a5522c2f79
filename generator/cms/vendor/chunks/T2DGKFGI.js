import{a}from"./322DGO6S.js";import"./SUKGYUJL.js";import"./3OXUA6BV.js";import"./D7W7KP3N.js";import"./BD4T7HXR.js";import"./YMD7XGK6.js";import"./TBLGHJ5H.js";export{a as default};
